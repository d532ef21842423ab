"""The one pod renderer: pod options and the platform's own containers and volumes, applied once, in the Kubernetes
API form (plain maps with the API's camelCase keys, https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/).

Every place a pod is written takes these maps through a thin adapter: the pod template of each Flink role
(`charts.flink.cluster`), the Spark driver and executor (`charts.spark.applications`), the standalone Deployment and
StatefulSet (`charts.flink.standalone`, `charts.blocks.workloads.workload`).

Why plain maps pass through every binding unchanged: the generated bindings (cdk8s-plus-27 2.9.5 `k8s`, and the
`cdk8s import` bindings of the Flink and Spark CRDs) type each list item as `Union[<struct>, Dict[str, Any]]`; the
jsii kernel reads a map item as that struct by the TypeScript property names, which are the API's own camelCase
names, and the binding's `toJson_<struct>` writes it back. Quantities are the one exception: the kernel accepts only
an instance of the class the binding generated for that very field (`Object of type 'cdk8s-plus-27.k8s.Quantity' is
not convertible to ...ResourcesRequests`), so each adapter names its classes once (`QuantityTypes`). Struct-typed
fields outside lists (a pod template, its spec, the affinity) take keyword arguments: `struct_arguments`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from charts.blocks import pod_security
from charts.blocks.container_env import Env
from charts.blocks.pod_options import ExtraContainer, PodOptions, PodVolume
from config.loading import camel
from config.pod_values import Toleration

MAP_FIELDS = frozenset({"labels", "annotations", "nodeSelector", "matchLabels"})
"""API fields whose values are maps of user keys (label keys, node labels), never struct fields."""


Quantity = Callable[[str], Any]
"""A binding's quantity class's `from_string`: `1Gi`, `500m` -> the instance the jsii kernel accepts in that field."""


@dataclass(frozen=True)
class QuantityTypes:
    """The quantity classes of one pod location of a binding (module docstring): the `resources` amounts of its
    sidecars (`containers`) and init containers, and an emptyDir's `sizeLimit`."""

    container_requests: Quantity
    container_limits: Quantity
    init_requests: Quantity
    init_limits: Quantity
    size_limit: Quantity

    @staticmethod
    def same(cls: Quantity) -> QuantityTypes:
        """One class for every field (the core API's `k8s.Quantity`)."""
        return QuantityTypes(cls, cls, cls, cls, cls)


def snake(name: str) -> str:
    """`nodeSelectorTerms` -> `node_selector_terms`: an API field as the generated binding classes' keyword name."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def api_form(value: Any) -> Any:
    """Keyword-argument data (snake_case keys, as `pod_security` and `Env.props` give it) in the API's form
    (camelCase keys), recursively; None values dropped."""
    if isinstance(value, Mapping):
        return {camel(str(key)): api_form(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [api_form(item) for item in value]
    return value


def struct_arguments(value: Mapping[str, Any]) -> dict[str, Any]:
    """An API-form map as keyword arguments of a generated struct (a pod template, a pod spec, an affinity): keys in
    snake_case, nested maps likewise down to the first list, whose items the binding passes through as they are (so
    they keep their API form); the values of `MAP_FIELDS` (labels, node selectors) are kept as given."""
    return {snake(key): item if key in MAP_FIELDS or not isinstance(item, Mapping) else struct_arguments(item)
            for key, item in value.items()}


def api_env(envs: Iterable[Env]) -> list[dict[str, Any]]:
    """Env vars as API-form `EnvVar` maps, in order."""
    return [api_form(variable.props()) for variable in envs]


def api_toleration(toleration: Toleration) -> dict[str, Any]:
    """A Toleration in API form (fields that are None left out)."""
    return {key: value for key, value in (
        ("key", toleration.key), ("operator", toleration.operator), ("value", toleration.value),
        ("effect", toleration.effect), ("tolerationSeconds", toleration.toleration_seconds)) if value is not None}


def api_volume(volume: PodVolume, size_limit: Quantity) -> dict[str, Any]:
    """A pod-options volume as a Kubernetes Volume in API form, an emptyDir's `sizeLimit` of class `size_limit`."""
    source: dict[str, Any] = {}
    if volume.secret:
        source["secret"] = {"secretName": volume.secret}
    if volume.config_map:
        source["configMap"] = {"name": volume.config_map}
    if volume.persistent_volume_claim:
        source["persistentVolumeClaim"] = {"claimName": volume.persistent_volume_claim}
    if volume.empty_dir:
        source["emptyDir"] = {**({"medium": volume.medium} if volume.medium else {}),
                              **({"sizeLimit": size_limit(volume.size_limit)} if volume.size_limit else {})}
    return {"name": volume.name, **source}


def api_mount(name: str, mount_path: str, read_only: bool = False) -> dict[str, Any]:
    """A VolumeMount in API form (`readOnly` only when True)."""
    return {"name": name, "mountPath": mount_path, **({"readOnly": True} if read_only else {})}


def api_resources(values: Mapping[str, Mapping[str, str]], requests: Quantity,
                  limits: Quantity) -> dict[str, dict[str, Any]]:
    """Container `resources` (`{"requests": {...}, "limits": {...}}`, as `config.Resources.to_k8s` gives them), each
    amount of the class `requests` or `limits`."""
    kinds = {"requests": requests, "limits": limits}
    return {kind: {name: kinds[kind](amount) for name, amount in amounts.items()} for kind, amounts in values.items()}


def api_container(container: ExtraContainer, run_as: pod_security.RunAs, requests: Quantity,
                  limits: Quantity) -> dict[str, Any]:
    """A sidecar or init container of the pod options in API form, with the restricted container security context of
    the pod's user `run_as`; its resource amounts of the classes `requests` and `limits`."""
    result: dict[str, Any] = {"name": container.name, "image": container.image}
    if container.command:
        result["command"] = list(container.command)
    if container.args:
        result["args"] = list(container.args)
    if container.env:
        result["env"] = api_env(container.env)
    if container.mounts:
        result["volumeMounts"] = [api_mount(m.name, m.mount_path, m.read_only) for m in container.mounts]
    if container.resources:
        result["resources"] = api_resources(container.resources.to_k8s(), requests, limits)
    if container.restart_policy:
        result["restartPolicy"] = container.restart_policy
    result["securityContext"] = api_form(pod_security.container_security_context_props(run_as))
    return result


@dataclass(frozen=True)
class Mount:
    """A volume mount the platform adds to a container: `volume` at `path` (read-only when `read_only`)."""

    volume: str
    path: str
    read_only: bool = False

    def api(self) -> dict[str, Any]:
        """As an API-form VolumeMount."""
        return api_mount(self.volume, self.path, self.read_only)


@dataclass(frozen=True)
class VolumeSpec:
    """A pod volume the platform adds: the ConfigMaps `config_maps` projected into one directory (every key a
    file)."""

    name: str
    config_maps: tuple[str, ...]

    def api(self) -> dict[str, Any]:
        """As an API-form Volume."""
        return {"name": self.name, "projected": {"sources": [{"configMap": {"name": c}} for c in self.config_maps]}}


@dataclass(frozen=True)
class PodParts:
    """What pod options put into a pod, in API form, each converted once (`pod_parts`): `labels`, `annotations`,
    `node_selector`, `tolerations`, `affinity` (None: none), `image_pull_secrets` (LocalObjectReferences),
    `volumes`, `mounts` (the main container's mounts of those volumes, not of a sidecar's only), `env` (the main
    container's), `sidecars` and `init_containers` (with the restricted security context of the pod's user)."""

    labels: dict[str, str]
    annotations: dict[str, str]
    node_selector: dict[str, str]
    tolerations: list[dict[str, Any]]
    affinity: dict[str, Any] | None
    image_pull_secrets: list[dict[str, str]]
    volumes: list[dict[str, Any]]
    mounts: list[dict[str, Any]]
    env: list[dict[str, Any]]
    sidecars: list[dict[str, Any]]
    init_containers: list[dict[str, Any]]


def pod_parts(options: PodOptions, run_as: pod_security.RunAs, quantities: QuantityTypes) -> PodParts:
    """The API form of `options` for pods whose user is `run_as` (the options' own `run_as` wins), quantities of the
    pod location's `quantities`."""
    user = options.run_as or run_as
    return PodParts(
        labels=dict(options.labels), annotations=dict(options.annotations), node_selector=dict(options.node_selector),
        tolerations=[api_toleration(t) for t in options.tolerations],
        affinity=dict(options.affinity) if options.affinity else None,
        image_pull_secrets=[{"name": name} for name in options.image_pull_secrets],
        volumes=[api_volume(v, quantities.size_limit) for v in options.volumes],
        mounts=[api_mount(v.name, v.mount_path, v.read_only) for v in options.volumes if v.main_container],
        env=api_env(options.env),
        sidecars=[api_container(c, user, quantities.container_requests, quantities.container_limits)
                  for c in options.sidecars],
        init_containers=[api_container(c, user, quantities.init_requests, quantities.init_limits)
                         for c in options.init_containers])


def pod_template(*, containers: Sequence[Any], parts: PodParts | None = None, labels: Mapping[str, str] | None = None,
                 annotations: Mapping[str, str] | None = None, volumes: Sequence[Any] = (),
                 init_containers: Sequence[Any] = (), run_as: pod_security.RunAs | None = None,
                 **spec: Any) -> dict[str, Any]:
    """A pod template in API form (`{"metadata": ..., "spec": ...}`, empty parts left out): the workload's own
    `containers`, `init_containers` and `volumes` first and the options' `parts` (sidecars, init containers, volumes,
    scheduling, pull secrets) after them; metadata `labels` and `annotations` of the platform over the options' ones;
    with `run_as`, the restricted pod security context; `spec` further PodSpec fields in API form (e.g.
    `serviceAccountName`; None values left out). Items may be API-form maps or instances of the binding that takes
    the template (`struct_arguments` makes its keyword arguments)."""
    metadata = {"labels": {**(parts.labels if parts else {}), **(labels or {})},
                "annotations": {**(parts.annotations if parts else {}), **(annotations or {})}}
    body: dict[str, Any] = {key: value for key, value in spec.items() if value is not None}
    body["containers"] = [*containers, *(parts.sidecars if parts else ())]
    listed: dict[str, Any] = {"initContainers": [*init_containers, *(parts.init_containers if parts else ())],
              "volumes": [*volumes, *(parts.volumes if parts else ())]}
    if parts is not None:
        listed.update({"nodeSelector": parts.node_selector, "tolerations": parts.tolerations,
                       "affinity": parts.affinity, "imagePullSecrets": parts.image_pull_secrets})
    body.update({key: value for key, value in listed.items() if value})
    if run_as is not None:
        body["securityContext"] = api_form(pod_security.pod_security_context_props(run_as))
    template: dict[str, Any] = {"spec": body}
    metadata = {key: value for key, value in metadata.items() if value}
    if metadata:
        template["metadata"] = metadata
    return template
