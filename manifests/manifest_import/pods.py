"""Pod templates as pod options: volumes, environment, sidecars and init containers beside the main container."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from manifests.manifest_import.notes import Notes
from upstream.flink_options import FLINK_MAIN_CONTAINER

VOLUME_SOURCES = {"secret": ("secret", "secretName"), "configMap": ("configMap", "name"),
                  "persistentVolumeClaim": ("persistentVolumeClaim", "claimName")}
"""Volume sources pod options express by one name: API field -> (pod options field, the source's name field)."""

def pod_volume(volume: Mapping[str, Any], mount: Mapping[str, Any], notes: Notes, where: str,
            path: str) -> dict[str, Any] | None:
    """A pod-options volume of `volume` mounted by `mount`, or None (noted) for a source pod options do not
    express; an emptyDir keeps its medium and sizeLimit."""
    entry: dict[str, Any] = {"name": volume["name"], "mountPath": mount["mountPath"]}
    if mount.get("readOnly"):
        entry["readOnly"] = True
    kind = next((k for k in (*VOLUME_SOURCES, "emptyDir") if k in volume), None)
    if kind is None:
        notes.add(where, path, "not imported: only secret, configMap, persistentVolumeClaim and emptyDir volumes are "
                               "expressed")
        return None
    source = volume[kind] or {}
    if kind == "emptyDir":
        entry["emptyDir"] = True
        entry.update({key: source[key] for key in ("medium", "sizeLimit") if source.get(key)})
        expressed: tuple[str, ...] = ("medium", "sizeLimit")
    else:
        target, key = VOLUME_SOURCES[kind]
        entry[target] = source[key]
        expressed = (key,)
    for key in sorted(set(source) - set(expressed)):
        notes.add(where, f"{path}.{kind}.{key}", "not expressed")
    for key in sorted(set(volume) - {"name", kind}):
        notes.add(where, f"{path}.{key}", "not expressed")
    for key in sorted(set(mount) - {"name", "mountPath", "readOnly"}):
        notes.add(where, f"{path}: volumeMounts.{key}", "not expressed")
    return entry

def pod_options(template: Mapping[str, Any], notes: Notes, where: str, path: str) -> dict[str, Any]:
    """A Flink pod template (at `path`) as pod options; what they do not express is noted."""
    metadata, pod = template.get("metadata") or {}, template.get("spec") or {}
    options: dict[str, Any] = {k: dict(metadata[k]) for k in ("labels", "annotations") if metadata.get(k)}
    for key in sorted(set(metadata) - {"labels", "annotations"}):
        notes.add(where, f"{path}.metadata.{key}", "not expressed")
    for key in ("nodeSelector", "tolerations", "affinity"):
        if pod.get(key):
            options[key] = pod[key]
    if pod.get("imagePullSecrets"):
        options["imagePullSecrets"] = [s["name"] for s in pod["imagePullSecrets"]]
    mounts: dict[str, Mapping[str, Any]] = {}
    for container in pod.get("containers") or []:
        if container.get("name") == FLINK_MAIN_CONTAINER:
            main = f"{path}.spec.containers[{FLINK_MAIN_CONTAINER}]"
            env = _env(container.get("env") or [], notes, where, f"{main}.env")
            if env:
                options["env"] = env
            mounts = {m["name"]: m for m in container.get("volumeMounts") or []}
            for key in sorted(set(container) - {"name", "env", "volumeMounts"}):
                notes.add(where, f"{main}.{key}", "not expressed (the platform sets the main container's security "
                                                  "context and resources)")
    sidecar_mounts = {m["name"] for key in ("containers", "initContainers") for c in pod.get(key) or []
                      if c.get("name") != FLINK_MAIN_CONTAINER for m in c.get("volumeMounts") or []}
    volumes = []
    for volume in pod.get("volumes") or []:
        name = volume["name"]
        mount = mounts.pop(name, None) or ({"mountPath": f"/mnt/{name}"} if name in sidecar_mounts else None)
        entry = pod_volume(volume, mount, notes, where, f"{path}.spec.volumes[{name}]") if mount else None
        if mount is None:
            notes.add(where, f"{path}.spec.volumes[{name}]", "not imported: pod options hold the volumes a container "
                                                              "of this pod template mounts")
        elif entry is None and "mountPath" in mount and name not in sidecar_mounts:
            notes.add(where, f"{path}.spec.containers[{FLINK_MAIN_CONTAINER}].volumeMounts[{name}]",
                      "not imported: its volume is not imported")
        if entry:
            volumes.append(entry)
    for name in sorted(mounts):
        notes.add(where, f"{path}.spec.containers[{FLINK_MAIN_CONTAINER}].volumeMounts[{name}]",
                  "not imported: its volume is not imported (or is another pod template's)")
    if volumes:
        options["volumes"] = volumes
    names = {v["name"] for v in volumes}
    for key, target in (("containers", "sidecars"), ("initContainers", "initContainers")):
        for container in pod.get(key) or []:
            if container.get("name") == FLINK_MAIN_CONTAINER:
                continue
            imported = _container(container, names, notes, where, f"{path}.spec.{key}[{container.get('name')}]")
            if imported:
                options.setdefault(target, []).append(imported)
    for key in sorted(set(pod) - {"nodeSelector", "tolerations", "affinity", "imagePullSecrets", "containers",
                                  "initContainers", "volumes"}):
        notes.add(where, f"{path}.spec.{key}", "not expressed")
    return options

def _env(variables: list[Mapping[str, Any]], notes: Notes, where: str, path: str) -> list[dict[str, Any]]:
    env = []
    for variable in variables:
        source = variable.get("valueFrom") or {}
        if "value" in variable:
            env.append({"name": variable["name"], "value": str(variable["value"])})
        elif "secretKeyRef" in source or "configMapKeyRef" in source:
            ref = "secretKeyRef" if "secretKeyRef" in source else "configMapKeyRef"
            env.append({"name": variable["name"], ref: {k: source[ref][k] for k in ("name", "key")}})
        else:
            notes.add(where, f"{path}[{variable.get('name')}]", "not imported: only value, secretKeyRef and "
                                                                "configMapKeyRef")
    return env

def _container(container: Mapping[str, Any], volumes: set[str], notes: Notes, where: str,
               path: str) -> dict[str, Any] | None:
    """A sidecar or init container as pod options (its security context is the platform's), or None (noted) when
    config would refuse it: no resource requests, or a mount of a volume these pod options lack."""
    requests = (container.get("resources") or {}).get("requests") or {}
    missing = [m["name"] for m in container.get("volumeMounts") or [] if m.get("name") not in volumes]
    if not {"cpu", "memory"} <= set(requests) or missing:
        why = (f"mounts {', '.join(missing)}, not a volume of this pod template" if missing
               else "no cpu and memory requests, which the platform requires (the scheduler places the pod by them)")
        notes.add(where, path, f"not imported: {why}; add it to podOptions by hand")
        return None
    imported: dict[str, Any] = {"name": container.get("name"), "image": container.get("image")}
    imported.update({key: list(container[key]) for key in ("command", "args") if container.get(key)})
    env = _env(container.get("env") or [], notes, where, f"{path}.env")
    if env:
        imported["env"] = env
    if container.get("volumeMounts"):
        imported["volumeMounts"] = [{k: m[k] for k in ("name", "mountPath", "readOnly") if k in m}
                                    for m in container["volumeMounts"]]
    imported["resources"] = container["resources"]
    if container.get("restartPolicy") == "Always":
        imported["restartPolicy"] = "Always"  # a native sidecar (an init container)
    for key in sorted(set(container) - {"name", "image", "command", "args", "env", "volumeMounts", "resources",
                                        "restartPolicy"}):
        notes.add(where, f"{path}.{key}", "not expressed (the platform sets security contexts)")
    return imported
