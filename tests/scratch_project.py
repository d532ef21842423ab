"""A scratch copy of the project for tests that run its entry points as a user does (`make synth`, `cdk8s synth`)
and must not touch this checkout's `environments/` or `dist/`.

The Python sources, `main.py`, `cdk8s.yaml` and the Makefile are copied with their modification times (so `make`
finds `setup` up to date, and `config.ENVIRONMENTS_DIR`, which resolves symlinks, is the scratch copy's); the
installed parts (`.venv`, `node_modules`, the generated `imports`, the unpacked `build/tools`) and the files
`setup` depends on are symlinks to this checkout's. `environments/` and `dist/` are the copy's own
(`environments/` holds the JSON schema the config loader reads and the environments a test gives)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("main.py", "cdk8s.yaml", "Makefile", "pyproject.toml", "cli", "charts", "config", "manifests", "upstream")
"""What the entry points read and a test may see change: copied."""
LINKED = (".venv", "node_modules", "imports", "requirements.txt", "package.json", "package-lock.json")
"""What `make setup` installs or depends on: linked, so nothing is installed again."""


def scratch_project(target: Path, environments: dict[str, str]) -> Path:
    """Create the scratch project at `target` (which must not exist) with `environments/<name>.yaml` holding each
    text of `environments`; returns `target`.

    Raises:
        FileExistsError: `target` exists.
        FileNotFoundError: this checkout is not set up (`make setup`: no `.venv`, `node_modules` or `imports`).
    """
    for name in LINKED:
        if not (ROOT / name).exists():
            raise FileNotFoundError(f"{ROOT / name}: this checkout is not set up (run `make setup`)")
    target.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, symlinks=True)
        else:
            shutil.copy2(source, target / name)
    for name in LINKED:
        (target / name).symlink_to(ROOT / name)
    (target / "build").mkdir()
    (target / "build" / "tools").symlink_to(ROOT / "build" / "tools")
    (target / "environments").mkdir()
    shutil.copy2(ROOT / "environments" / "config.schema.json", target / "environments")
    for name, text in environments.items():
        (target / "environments" / f"{name}.yaml").write_text(text)
    return target
