"""Validation of rendered manifests in layers: schemas, semantic rules, references.

`python main.py validate [PATHS...]` (and `make validate`) runs them; see `manifests.validation.command`.
This package never imports cdk8s or the generated bindings: it reads YAML, so it stays fast.
"""
