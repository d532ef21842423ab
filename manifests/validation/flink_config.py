"""The configuration the Flink operator 1.14 validates a FlinkDeployment or FlinkSessionJob with.

`FlinkConfigManager.getDefaultConfig(namespace, flinkVersion)`: the operator's default configuration (its
`flink-conf.yaml`, which Flink 1.20 prefers, or else `config.yaml`, from the ConfigMap mounted at the
`FLINK_CONF_DIR` of the operator's and the webhook's containers), with the keys under `kubernetes.operator.default-configuration.namespace.<namespace>.`
and `kubernetes.operator.default-configuration.flink-version.<version>[+].` applied; on top the resource's
`spec.flinkConfiguration` (`ConfigObjectNode.asFlatMap`: nested keys joined with `.`, lists joined with `;`). A
session job's configuration puts the session cluster's and then its own on top of the defaults.
Without a rendered operator (validating some files only) the defaults are the options' own.
Options are read as Flink 1.20's `Configuration.get` reads them: the key, then its fallback keys, then its
deprecated keys; a value Flink cannot read fails with Flink's message.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from manifests.validation.manifests import config_map_data
from manifests.validation.report import Manifest
from upstream.file_dialects import FileReadError, read_flink_yaml, read_line_file
from upstream.java_values import JavaError, flink_boolean, java_double_str


@dataclass(frozen=True)
class Option:
    """A Flink `ConfigOption`: its key, its fallback and deprecated keys in the order Flink tries them, and its
    default value as text (None: no default)."""

    key: str
    alternatives: tuple[str, ...] = ()
    default: str | None = None


class ConfigValueError(ValueError):
    """A value Flink cannot read for an option (`Configuration.get` throws): `str()` is Flink's message and `path`
    where the value is set."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


HA_MODE = Option("high-availability.type", ("recovery.mode", "high-availability"), "NONE")
WATCHED_NAMESPACES = Option("kubernetes.operator.watched.namespaces", (), "JOSDK_ALL_NAMESPACES")
_DEFAULT_PREFIX = "kubernetes.operator.default-configuration."
_VERSION_KEY = re.compile(re.escape(_DEFAULT_PREFIX) + r"flink-version\.v(\d+)_(\d+)\+\..*")
FLINK_VERSIONS = ("v1_13", "v1_14", "v1_15", "v1_16", "v1_17", "v1_18", "v1_19", "v1_20", "v2_0", "v2_1", "v2_2")
"""The operator 1.14's `FlinkVersion` values, oldest first."""


@dataclass
class FlinkConf:
    """An effective configuration: values by key, and where each value is set (a field path of the validated
    object) for the findings."""

    values: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)

    def add(self, values: Mapping[str, str], where: Callable[[str], str]) -> FlinkConf:
        """Put `values` on top; `where(key)` says where each is set."""
        for key, value in values.items():
            self.values[key] = value
            self.origins[key] = where(key)
        return self

    def path(self, key: str, otherwise: str = "spec.flinkConfiguration") -> str:
        """Where `key` is set, or `otherwise` when it is not set."""
        return self.origins.get(key, otherwise)

    def find(self, option: Option) -> tuple[str, str] | None:
        """(key, value) of the first of the option's keys that is set, or None."""
        return next(((key, self.values[key]) for key in (option.key, *option.alternatives) if key in self.values),
                    None)

    def contains(self, option: Option) -> bool:
        """`Configuration.contains(option)`: one of its keys is set."""
        return self.find(option) is not None

    def text(self, option: Option) -> str | None:
        """The option's value as text, or its default."""
        found = self.find(option)
        return found[1] if found else option.default

    def read(self, option: Option, parse: Callable[[str], Any]) -> Any:
        """`Configuration.get(option)` with `parse` (None when neither set nor defaulted).

        Raises:
            ConfigValueError: `parse` fails on the set value.
        """
        found = self.find(option)
        if found is None:
            return None if option.default is None else parse(option.default)
        try:
            return parse(found[1])
        except JavaError as error:
            raise ConfigValueError(f"Could not parse value '{found[1]}' for key '{option.key}'.",
                                   self.path(found[0])) from error

    def boolean(self, option: Option) -> bool:
        """A boolean option (Flink accepts `true` and `false`, case-insensitive).

        Raises:
            ConfigValueError: any other value.
        """
        return bool(self.read(option, flink_boolean))

    def high_availability(self) -> bool:
        """`HighAvailabilityMode.isHighAvailabilityModeActivated`: a `high-availability.type` other than NONE
        (or the old `standalone`); ZOOKEEPER, KUBERNETES and any factory class name activate it."""
        mode = self.text(HA_MODE)
        return mode is not None and mode.upper() != "NONE" and mode.lower() != "standalone"


def _text(value: Any) -> str:
    """Jackson's `asText()` of a scalar: booleans in lower case, doubles as Java prints them, null as `null`."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return java_double_str(value)
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return ""
    return str(value)


def flat_config(node: Any) -> dict[str, str]:
    """`ConfigObjectNode.asFlatMap()` of a `flinkConfiguration`: nested keys joined with `.`, a non-empty list as its
    items joined with `;` (an empty list is dropped), scalars as text."""
    result: dict[str, str] = {}

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for name, child in value.items():
                walk(child, f"{key}.{name}" if key else str(name))
        elif isinstance(value, list):
            if value:
                result[key] = ";".join(_text(item) for item in value)
        else:
            result[key] = _text(value)

    walk(node if isinstance(node, dict) else {}, "")
    return result


def legacy_config_file(text: str) -> dict[str, str]:
    """Flink's `flink-conf.yaml` reading (`GlobalConfiguration.loadYAMLResource`, legacy): flat `key: value`
    lines (`upstream.file_dialects.read_line_file`)."""
    return read_line_file(text)


def standard_config_file(text: str) -> dict[str, str]:
    """Flink's `config.yaml` (standard YAML 1.2, `upstream.file_dialects.read_flink_yaml`): nested keys joined with
    `.`; null values and a file that does not parse read as nothing (`config_files` reports them)."""
    try:
        values = read_flink_yaml(text)
    except FileReadError:
        return {}
    return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class ConfFile:
    """A file of a container's configuration directory, from a ConfigMap: its `config_map` name, the `key` of its
    data, and the `text`."""

    config_map: str
    key: str
    text: str


def _volume_files(volume: dict[str, Any], namespace: str | None,
                  config_maps: dict[tuple[str | None, str], dict[str, str]]) -> dict[str, ConfFile]:
    """File name -> file of a ConfigMap or projected volume (other volumes: nothing)."""
    sources = [volume["configMap"]] if volume.get("configMap") else [
        source["configMap"] for source in (volume.get("projected") or {}).get("sources") or [] if source.get("configMap")]
    files: dict[str, ConfFile] = {}
    for source in sources:
        name = str(source.get("name"))
        data = config_maps.get((namespace, name), {})
        items = source.get("items")
        paths = {str(item.get("key")): str(item.get("path")) for item in items} if items else {k: k for k in data}
        files.update({path: ConfFile(name, key, data[key]) for key, path in paths.items() if key in data})
    return files


def conf_dir_files(pod: dict[str, Any], container: dict[str, Any], namespace: str | None,
                   config_maps: dict[tuple[str | None, str], dict[str, str]]) -> dict[str, ConfFile]:
    """The ConfigMap files a container sees in its `FLINK_CONF_DIR` (default `/opt/flink/conf`), by file name."""
    conf_dir = next((str(e.get("value")) for e in container.get("env") or []
                     if e.get("name") == "FLINK_CONF_DIR" and e.get("value")), "/opt/flink/conf").rstrip("/")
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    files: dict[str, ConfFile] = {}
    for mount in container.get("volumeMounts") or []:
        volume_files = _volume_files(volumes.get(mount.get("name")) or {}, namespace, config_maps)
        mount_path = str(mount.get("mountPath", "")).rstrip("/")
        if mount_path == conf_dir and not mount.get("subPath"):
            files.update(volume_files)
        elif posixpath.dirname(mount_path) == conf_dir and mount.get("subPath") in volume_files:
            files[posixpath.basename(mount_path)] = volume_files[mount["subPath"]]
    return files


FLINK_CONFIG_FILES = ("flink-conf.yaml", "config.yaml")
"""The files Flink 1.20 reads its configuration from, preferred first (`GlobalConfiguration`: the legacy
`flink-conf.yaml` where it exists, else the standard-YAML `config.yaml`)."""


def read_config_file(files: Mapping[str, ConfFile]) -> tuple[ConfFile, dict[str, str]] | None:
    """The configuration file Flink reads among `files` and its keys and values, or None when there is none."""
    for name, read in zip(FLINK_CONFIG_FILES, (legacy_config_file, standard_config_file), strict=True):
        if name in files:
            return files[name], read(files[name].text)
    return None


def is_operator(container: dict[str, Any]) -> bool:
    """The operator image's `docker-entrypoint.sh operator` or `docker-entrypoint.sh webhook`."""
    command = [str(c) for c in [*(container.get("command") or []), *(container.get("args") or [])]]
    return bool(command) and command[-1] in ("operator", "webhook") and any(
        c.endswith("docker-entrypoint.sh") for c in command)


@dataclass(frozen=True)
class OperatorDefaults:
    """The default configuration of each rendered Flink operator (operator and webhook containers), with the
    namespaces it watches (None: all)."""

    operators: tuple[tuple[frozenset[str] | None, dict[str, str]], ...] = ()

    def config(self, namespace: str | None, flink_version: Any) -> dict[str, str]:
        """`getDefaultConfig(namespace, flinkVersion)` of the operator that watches `namespace` (none rendered:
        empty)."""
        base = next((conf for watched, conf in self.operators if watched is None or namespace in watched), {})
        result = dict(base)
        prefixes = [f"{_DEFAULT_PREFIX}namespace.{namespace}."] if namespace is not None else []
        if flink_version in FLINK_VERSIONS:
            # `v<major>_<minor>+.` keys of this version and older ones, oldest first, then `<flinkVersion>.`
            older = {f"v{int(match.group(1))}_{int(match.group(2))}" for key in base
                     if (match := _VERSION_KEY.fullmatch(key))} & set(FLINK_VERSIONS[:FLINK_VERSIONS.index(flink_version) + 1])
            prefixes += [f"{_DEFAULT_PREFIX}flink-version.{v}+." for v in FLINK_VERSIONS if v in older]
            prefixes.append(f"{_DEFAULT_PREFIX}flink-version.{flink_version}.")
        for prefix in prefixes:
            result.update({key[len(prefix):]: value for key, value in base.items() if key.startswith(prefix)})
        return result


def operator_defaults(manifests: list[Manifest]) -> OperatorDefaults:
    """The rendered Flink operators' default configurations: each Deployment container that runs the operator
    image's entrypoint (`operator` or `webhook`) reads `flink-conf.yaml` or else `config.yaml` from its
    `FLINK_CONF_DIR`."""
    config_maps = config_map_data(manifests)
    operators: list[tuple[frozenset[str] | None, dict[str, str]]] = []
    for m in manifests:
        pod = (((m.obj.get("spec") or {}).get("template") or {}).get("spec") or {}) if m.kind == "Deployment" else {}
        for container in pod.get("containers") or []:
            if not is_operator(container):
                continue
            found = read_config_file(conf_dir_files(pod, container, m.namespace, config_maps))
            conf = found[1] if found else {}
            watched = FlinkConf(conf).text(WATCHED_NAMESPACES) or ""
            operators.append((None if watched == WATCHED_NAMESPACES.default
                              else frozenset(n.strip() for n in watched.split(",")), conf))
    return OperatorDefaults(tuple(operators))
