"""The shipped environments (`environments/*.yaml`) belong to their users, who add and remove jobs there (README
"Usage"). The tests check them only for what a user relies on: they load (tests/test_config.py), render and pass
`validate` (here), and the committed `dist/` is their render (tests/test_dist_snapshot.py). Behaviour is tested on the
fixture environments (tests/environments/, tests/conftest.py), so an ordinary edit of a shipped environment, rendered
with `make synth ENV=all`, keeps `make test` passing."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import available_environments
from manifests.validation.command import validate_environments
from manifests.validation.report import Level
from manifests.validation.strict_schemas import SchemaStore, default_dir


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    return SchemaStore(default_dir())


@pytest.mark.parametrize("env", available_environments())
def test_a_shipped_environment_renders_and_passes_validate(shipped_root: Path, store: SchemaStore, env: str) -> None:
    """`validate` as `make validate` runs it (references checked against the environment's declared externals), on a
    fresh render: errors fail, warnings are the environment's own business."""
    report = validate_environments([env], shipped_root, store, kubeconform=None)
    assert report.objects > 0
    assert [f.line() for f in report.findings if f.level is Level.ERROR] == []
