"""Building blocks shared by workloads: named ports, Services, probes, resources, ConfigMaps with the
`checksum/config` of the pods that read them, volumes, PVC templates, pod templates, StatefulSets and Deployments.

Thin typed wrappers over `cdk8s_plus_27.k8s` so that every chart renders these objects the same way
(explicit names, recommended labels, selectors derived from the owning `Component`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import pod_security, pod_spec
from charts.blocks.metadata import Component, SyncWave, object_meta
from charts.blocks.pod_spec import PodParts
from manifests.rollout import checksum_annotations


@cache
def quantity(value: str) -> k8s.Quantity:
    """`k8s.Quantity.from_string(value)`, memoized: each distinct value costs one call into jsii."""
    return k8s.Quantity.from_string(value)


@cache
def int_or_string(value: str) -> k8s.IntOrString:
    """`k8s.IntOrString.from_string(value)` (a named port), memoized like `quantity`."""
    return k8s.IntOrString.from_string(value)


@dataclass(frozen=True)
class Port:
    """A named TCP port: `name` (at most 15 characters, IANA_SVC_NAME) and `number`."""

    name: str
    number: int

    def container_port(self) -> k8s.ContainerPort:
        """The container's port declaration."""
        return k8s.ContainerPort(name=self.name, container_port=self.number, protocol="TCP")

    def service_port(self) -> k8s.ServicePort:
        """A Service port forwarding to the container port of the same name."""
        return k8s.ServicePort(
            name=self.name, port=self.number, target_port=int_or_string(self.name), protocol="TCP"
        )


def service(
    scope: constructs.Construct,
    id: str,
    *,
    name: str,
    namespace: str,
    component: Component,
    ports: list[Port],
    wave: SyncWave,
    headless: bool = False,
    publish_not_ready: bool = False,
) -> k8s.KubeService:
    """A ClusterIP Service (or headless, `clusterIP: None`) selecting `component`'s pods."""
    return k8s.KubeService(
        scope,
        id,
        metadata=object_meta(name, namespace, component, wave),
        spec=k8s.ServiceSpec(
            type="ClusterIP",
            cluster_ip="None" if headless else None,
            publish_not_ready_addresses=True if publish_not_ready else None,
            selector=component.selector_labels(),
            ports=[port.service_port() for port in ports],
        ),
    )


def service_host(name: str, namespace: str) -> str:
    """The cluster DNS name of a Service: `<name>.<namespace>.svc.cluster.local`."""
    return f"{name}.{namespace}.svc.cluster.local"


def tcp_probe(
    port: Port, *, initial_delay: int, period: int, failure_threshold: int, timeout: int = 1
) -> k8s.Probe:
    """A TCP socket probe on a named port. Times in seconds."""
    return k8s.Probe(
        tcp_socket=k8s.TcpSocketAction(port=int_or_string(port.name)),
        initial_delay_seconds=initial_delay,
        period_seconds=period,
        failure_threshold=failure_threshold,
        timeout_seconds=timeout,
    )


def http_probe(
    path: str,
    port: Port,
    *,
    initial_delay: int,
    period: int,
    failure_threshold: int,
    timeout: int = 1,
    success_threshold: int | None = None,
    termination_grace: int | None = None,
) -> k8s.Probe:
    """An HTTP GET probe on a named port. Times in seconds; `termination_grace` overrides the pod's
    grace period when this (liveness) probe kills the container."""
    return k8s.Probe(
        http_get=k8s.HttpGetAction(path=path, port=int_or_string(port.name), scheme="HTTP"),
        initial_delay_seconds=initial_delay,
        period_seconds=period,
        failure_threshold=failure_threshold,
        success_threshold=success_threshold,
        timeout_seconds=timeout,
        termination_grace_period_seconds=termination_grace,
    )


def pvc_template(name: str, size: str, storage_class: str | None) -> k8s.KubePersistentVolumeClaimProps:
    """A StatefulSet volumeClaimTemplate: ReadWriteOnce, `size` (e.g. `1Gi`), optional StorageClass."""
    return k8s.KubePersistentVolumeClaimProps(
        metadata=k8s.ObjectMeta(name=name),
        spec=k8s.PersistentVolumeClaimSpec(
            access_modes=["ReadWriteOnce"],
            storage_class_name=storage_class,
            resources=k8s.ResourceRequirements(requests={"storage": quantity(size)}),
        ),
    )


def resources(values: dict[str, dict[str, str]]) -> k8s.ResourceRequirements:
    """Core `ResourceRequirements` from `{"requests": {...}, "limits": {...}}` (see `config.Resources.to_k8s`)."""
    return k8s.ResourceRequirements(
        requests={k: quantity(v) for k, v in values.get("requests", {}).items()},
        limits={k: quantity(v) for k, v in values["limits"].items()} if "limits" in values else None,
    )


@dataclass(frozen=True)
class RenderedConfigMap:
    """A ConfigMap the platform renders: its `name` and `data` (key -> text), what the `checksum/config` of the
    pods that read it covers."""

    name: str
    data: dict[str, str]


def config_map(scope: constructs.Construct, id: str, *, name: str, namespace: str, component: Component,
               wave: SyncWave, data: dict[str, str]) -> RenderedConfigMap:
    """ConfigMap `name` with `data` (a file name or variable -> its text); pass the result to
    `rollout_annotations` for every pod template that reads it, so the checksum covers what is rendered."""
    k8s.KubeConfigMap(scope, id, metadata=object_meta(name, namespace, component, wave), data=data)
    return RenderedConfigMap(name, data)


def rollout_annotations(*config_maps: RenderedConfigMap) -> dict[str, str]:
    """The pod-template annotation `checksum/config` over `config_maps`, every ConfigMap the pod reads at start:
    a change of any of them changes the template, and the pods roll (`manifests.rollout`)."""
    return checksum_annotations({c.name: c.data for c in config_maps})


def config_map_volume(name: str, config_map: str, items: dict[str, str] | None = None) -> k8s.Volume:
    """A volume of ConfigMap `config_map`; `items` maps keys to file paths (all keys when None)."""
    return k8s.Volume(
        name=name,
        config_map=k8s.ConfigMapVolumeSource(
            name=config_map,
            items=[k8s.KeyToPath(key=k, path=v) for k, v in items.items()] if items else None,
        ),
    )


def empty_dir(name: str) -> k8s.Volume:
    """A scratch `emptyDir` volume."""
    return k8s.Volume(name=name, empty_dir=k8s.EmptyDirVolumeSource())


def pod_template(
    component: Component,
    run_as: pod_security.RunAs,
    containers: Sequence[k8s.Container | dict[str, Any]],
    *,
    init_containers: Sequence[k8s.Container | dict[str, Any]] = (),
    volumes: Sequence[k8s.Volume | dict[str, Any]] = (),
    service_account: k8s.KubeServiceAccount | str | None = None,
    automount_token: bool | None = None,
    annotations: dict[str, str] | None = None,
    restart_policy: str | None = None,
    parts: PodParts | None = None,
) -> k8s.PodTemplateSpec:
    """A core pod template labelled for `component`, with the pod security context of `run_as` (and the annotation of
    its declared exception): the core adapter of the one pod renderer (`charts.blocks.pod_spec.pod_template`), so the
    pod options' `parts` land as in every custom resource's pod. Containers and volumes as core objects or in API
    form; `service_account` an object or a name."""
    account = service_account.name if isinstance(service_account, k8s.KubeServiceAccount) else service_account
    api = pod_spec.pod_template(
        containers=containers, init_containers=init_containers, volumes=volumes, parts=parts,
        labels=component.labels(), annotations={**pod_security.pod_annotations(run_as), **(annotations or {})},
        run_as=run_as, serviceAccountName=account, automountServiceAccountToken=automount_token,
        restartPolicy=restart_policy)
    return k8s.PodTemplateSpec(**pod_spec.struct_arguments(api))


def _pods(component: Component, replicas: int, template: k8s.PodTemplateSpec) -> dict[str, Any]:
    """What a Deployment's and a StatefulSet's spec share, as keyword arguments: `replicas` pods of `template`,
    selected by `component`'s selector labels."""
    return {"replicas": replicas, "selector": k8s.LabelSelector(match_labels=component.selector_labels()),
            "template": template}


def stateful_set(
    scope: constructs.Construct,
    id: str,
    *,
    name: str,
    namespace: str,
    component: Component,
    wave: SyncWave,
    service_name: str,
    replicas: int,
    template: k8s.PodTemplateSpec,
    claims: list[k8s.KubePersistentVolumeClaimProps] | None = None,
    parallel: bool = False,
) -> k8s.KubeStatefulSet:
    """A StatefulSet selecting `component`'s pods (`_pods`), with `service_name` its governing Service and `claims`
    (PVC templates; then it is kept on prune); `parallel` pod management."""
    return k8s.KubeStatefulSet(
        scope, id, metadata=object_meta(name, namespace, component, wave, keep_on_prune=bool(claims)),
        spec=k8s.StatefulSetSpec(service_name=service_name, pod_management_policy="Parallel" if parallel else None,
                                 volume_claim_templates=claims, **_pods(component, replicas, template)))


def deployment(
    scope: constructs.Construct,
    id: str,
    *,
    name: str,
    namespace: str,
    component: Component,
    wave: SyncWave,
    replicas: int,
    template: k8s.PodTemplateSpec,
    strategy: str | None = None,
) -> k8s.KubeDeployment:
    """A Deployment selecting `component`'s pods (`_pods`); `strategy` `Recreate` or `RollingUpdate` (default)."""
    return k8s.KubeDeployment(
        scope, id, metadata=object_meta(name, namespace, component, wave),
        spec=k8s.DeploymentSpec(strategy=k8s.DeploymentStrategy(type=strategy) if strategy else None,
                                **_pods(component, replicas, template)))
