"""The operator's job spec (`spec.job` of a FlinkDeployment in application mode and of a FlinkSessionJob).

JobSpec reference (operator 1.14):
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#jobspec
The nonces are counters: changing one to a new value asks the operator for one more savepoint (or checkpoint, or a
redeploy from `initial_savepoint_path`); leaving it unchanged does nothing. Operator 1.14 deprecates the savepoint and
checkpoint nonces in favour of FlinkStateSnapshot resources but still honours them. Its `upgradeMode` default is
`stateless`; the platform's is `savepoint`, so a spec change never drops state unless asked to.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TypeVar

from charts.blocks.crd_enums import member
from config.flink_settings import JobSpec
from imports.flink.org.apache.flink import (
    FlinkDeploymentSpecJob,
    FlinkDeploymentSpecJobState,
    FlinkDeploymentSpecJobUpgradeMode,
    FlinkSessionJobSpecJob,
    FlinkSessionJobSpecJobState,
    FlinkSessionJobSpecJobUpgradeMode,
)

J = TypeVar("J", FlinkDeploymentSpecJob, FlinkSessionJobSpecJob)


def job_spec(job: JobSpec, spec_type: type[J]) -> J:
    """`spec.job` of a FlinkDeployment (`FlinkDeploymentSpecJob`) or a FlinkSessionJob (`FlinkSessionJobSpecJob`);
    unset fields are not written. Every field of `JobSpec` is passed under its own name, which is the generated
    binding's (the operator's JobSpec key in snake case), except `jar_path`, the `jarUri` (a URI here: the mapping
    resolves a path inside the Flink bucket), and the enums and the list, converted to the binding's types; so a
    field added to `JobSpec` reaches both kinds without an edit here.

    Raises:
        TypeError: a `JobSpec` field the binding does not have (the CRD pin has no such JobSpec key).
    """
    deployment = spec_type is FlinkDeploymentSpecJob
    modes = FlinkDeploymentSpecJobUpgradeMode if deployment else FlinkSessionJobSpecJobUpgradeMode
    states = FlinkDeploymentSpecJobState if deployment else FlinkSessionJobSpecJobState
    values = {name: getattr(job, name) for name in _SPEC_FIELDS}
    values.update(jar_uri=values.pop("jar_path"), upgrade_mode=member(modes, job.upgrade_mode),
                  args=list(job.args) or None, state=member(states, job.state) if job.state else None)
    return spec_type(**values)


_SPEC_FIELDS = tuple(f.name for f in fields(JobSpec))
"""The fields of the job spec, in declaration order (worked out once, not per job)."""
