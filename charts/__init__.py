"""What is rendered: the platform as cdk8s charts and constructs.

Layers, one way (import-linter, `pyproject.toml`): `charts.synth` > `charts.platform` (the composition root,
which maps the environment configuration onto the components and wires them by object) > the components,
one package each, none importing another (`namespaces`, `operators`, `object_store`, `polaris`, `fluss`,
`flink`, `spark`) > `charts.blocks`, the building blocks beneath them. Below `charts` come `manifests`
(cdk8s-free tooling over rendered YAML) and `config` (the environment configuration model).
"""
