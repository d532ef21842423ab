"""What is rendered: the platform as cdk8s charts and constructs.

Layers, one way (import-linter, `pyproject.toml`): `charts.synth` > `charts.platform` (the composition root,
which maps the environment configuration onto the components and wires them by object) > the components >
`charts.blocks`, the building blocks beneath them. Every other package or module here is a component (`flink`,
`polaris`, `namespaces`, ...): it imports no other component, and of `config` only the value modules (`config.common`,
`upstream.capabilities`, ...; the allow-list is in `pyproject.toml`). The contracts name no component, so a new one is
held to them by default. Below `charts` come `manifests` (cdk8s-free tooling over rendered YAML) and `config` (the
environment configuration model).
"""
