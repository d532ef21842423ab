"""The committed dist/ is the end-to-end snapshot: it must be exactly what the source renders (the shipped
environments, whatever their users made of them), and hold nothing else (a removed environment's folder would stay
behind: `synth` renders the environments there are); rendering is deterministic (on a fixture environment)."""

from __future__ import annotations

from pathlib import Path

from config import available_environments
from manifests.tree import object_name
from tests.conftest import FIXTURE_DIR, ROOT, load_dir


def test_committed_dist_matches_a_fresh_render(shipped_root: Path) -> None:
    problems = [f"dist/{name}: no environments/{name}.yaml renders it (a removed environment's render: delete it)"
                for name in sorted(p.name for p in (ROOT / "dist").iterdir()) if name not in available_environments()]
    for env in available_environments():
        committed_dir, fresh_dir = ROOT / "dist" / env, shipped_root / env
        committed_files = sorted(p.name for p in committed_dir.glob("*.k8s.yaml"))
        fresh_files = sorted(p.name for p in fresh_dir.glob("*.k8s.yaml"))
        if committed_files != fresh_files:
            problems.append(f"dist/{env}: files {committed_files} != rendered {fresh_files}")
            continue
        kustomization = "kustomization.yaml"
        if (committed_dir / kustomization).read_bytes() != (fresh_dir / kustomization).read_bytes():
            problems.append(f"dist/{env}/{kustomization} is stale; run `make synth ENV=all`")
        committed, fresh = load_dir(committed_dir), load_dir(fresh_dir)
        for file in fresh_files:
            if (committed_dir / file).read_bytes() == (fresh_dir / file).read_bytes():
                continue
            old = {object_name(o): o for o in committed[file]}
            new = {object_name(o): o for o in fresh[file]}
            changed = sorted(n for n in old.keys() & new.keys() if old[n] != new[n])
            problems.append(
                f"dist/{env}/{file} is stale: added {sorted(new.keys() - old.keys())}, "
                f"removed {sorted(old.keys() - new.keys())}, changed {changed} (or order/format); run `make synth ENV=all`"
            )
    assert problems == []


def test_rendering_is_deterministic(rendered_root: Path, tmp_path: Path) -> None:
    from charts.synth import synthesize

    synthesize(["test-local"], str(tmp_path), FIXTURE_DIR)
    for path in sorted((rendered_root / "test-local").glob("*.yaml")):
        assert (tmp_path / "test-local" / path.name).read_bytes() == path.read_bytes(), path.name
