"""A scratch copy of the project for tests that run its entry points as a user does (`make synth`, `cdk8s synth`,
the documentation's commands, `lint-imports`) and must not touch this checkout's `environments/` or `dist/`.

The project's files are copied with their modification times (so `make` finds `setup` up to date, and
`config.ENVIRONMENTS_DIR`, which resolves symlinks, is the copy's): git's list of them (tracked, and untracked
ones not ignored), either all of them (`whole=True`) or those the entry points read (`COPIED`). The users'
environments (`environments/*.yaml`) are never copied: `environments/` holds the JSON schema the config loader reads
and the environments a test gives. The installed parts (`LINKED`) are symlinks to this checkout's, and so is every
child of `build/` but the folders commands write (`BUILD_OUTPUTS`), which the copy makes its own. With
`commit=True` the copy is a git repository with one commit, so `git diff` and `git checkout` have a base."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("main.py", "cdk8s.yaml", "Makefile", "pyproject.toml", "cli", "charts", "config", "manifests", "upstream",
          "environments")
"""What the entry points read and a test may see change: copied when the copy is not `whole`."""
LINKED = (".venv", "node_modules", "imports", "requirements.txt", "package.json", "package-lock.json")
"""What `make setup` installs or depends on: linked, so nothing is installed again (hundreds of MB), never copied."""
BUILD_OUTPUTS = ("cdk8s.out", "helm")
"""Folders under `build/` that commands write: the copy gets its own; every other child of `build/` is linked."""


def project_files() -> list[str]:
    """This checkout's files as paths relative to it: git's list (tracked, and untracked ones not ignored) less
    files deleted from the work tree, the users' environments (`environments/*.yaml`) and `LINKED`."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [name for name in listed if name and (ROOT / name).is_file() and name.split("/", 1)[0] not in LINKED
            and not (name.startswith("environments/") and name.endswith(".yaml"))]


def scratch_project(target: Path, environments: dict[str, str], *, whole: bool = False,
                    commit: bool = False) -> Path:
    """Create the scratch project at `target` (which must not exist) with `environments/<name>.yaml` holding each
    text of `environments`; every project file when `whole`, else those under `COPIED`; a git repository with one
    commit when `commit`. Returns `target`.

    Raises:
        FileExistsError: `target` exists.
        FileNotFoundError: this checkout is not set up (`make setup`: no `.venv`, `node_modules` or `imports`).
        subprocess.CalledProcessError: git failed (listing this checkout's files, or committing the copy).
    """
    for name in LINKED:
        if not (ROOT / name).exists():
            raise FileNotFoundError(f"{ROOT / name}: this checkout is not set up (run `make setup`)")
    target.mkdir(parents=True)
    for name in project_files():
        if whole or name.split("/", 1)[0] in COPIED:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    for name in LINKED:
        (target / name).symlink_to(ROOT / name)
    (target / "build").mkdir()
    if (ROOT / "build").is_dir():
        for child in (ROOT / "build").iterdir():
            if child.name not in BUILD_OUTPUTS:
                (target / "build" / child.name).symlink_to(child)
    (target / "environments").mkdir(exist_ok=True)
    for name, text in environments.items():
        (target / "environments" / f"{name}.yaml").write_text(text)
    if commit:
        commit_all(target)
    return target


def commit_all(target: Path) -> None:
    """Make the scratch project at `target` a git repository whose one commit holds all its files.

    Raises:
        subprocess.CalledProcessError: git failed.
    """
    git = ["git", "-c", "user.name=scratch", "-c", "user.email=scratch@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "scratch copy of the project"], cwd=target, check=True)
