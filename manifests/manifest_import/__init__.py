"""`import`: existing FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SparkApplication and
ScheduledSparkApplication manifests as environment config.

`python main.py import FILE...` prints a YAML fragment of `flink:` settings (deployments, jobs, snapshots) and
`spark:` settings (applications) that loads (what config would refuse is left out, each with a note) and, merged into
an environment file (mappings merged, lists appended; `--into`: `config.environment_edit`), renders objects of the
same kind and name that hold every field of the input with the same value, except what a note names (`Note`: the
object, the input field, why): what the platform owns or renders instead (state directories, HA storage, its own
labels), older Flink key names renamed, and what the config cannot express. `flinkConfiguration` keys that config
refuses as the platform's (`upstream.flink_options.PLATFORM_KEYS`) land in their typed setting or are noted.
Field meanings: the operator 1.14 CRD reference
(https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/);
the Spark operator 2.5.2 API (https://www.kubeflow.org/docs/components/spark-operator/user-guide/api-docs/).

Modules: `documents` (the entry point, `import_manifests`), `flink`, `spark` and `pods` (each kind, and pod
templates, as config), `reading` (values as config reads them, the schema's verdict) and `notes` (the result).
"""
