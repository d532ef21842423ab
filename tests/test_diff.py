"""diff: added, removed and changed objects with field paths; exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

import manifests.diff
from cli.commands import main as cli_main
from manifests.diff import Key, compare, objects_in_directory, render, render_markdown
from tests.conftest import FIXTURE_DIR


def cm(name: str, **data: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "ns"}, "data": data}


def test_added_removed_changed_with_field_paths() -> None:
    base = {("local", "ConfigMap", "ns", "a"): cm("a", x="1"), ("local", "ConfigMap", "ns", "b"): cm("b")}
    head = {("local", "ConfigMap", "ns", "a"): cm("a", x="2", y="3"), ("local", "ConfigMap", "ns", "c"): cm("c")}
    changes = compare(base, head)
    assert [(c.kind, c.ref) for c in changes] == [
        ("changed", "ConfigMap/ns/a"), ("removed", "ConfigMap/ns/b"), ("added", "ConfigMap/ns/c")]
    assert changes[0].fields == ("data.x: '1' -> '2'", "data.y: added '3'")
    assert render(changes) == (
        "local: 1 added, 1 removed, 1 changed\n"
        "  ~ ConfigMap/ns/a\n"
        "      data.x: '1' -> '2'\n"
        "      data.y: added '3'\n"
        "  - ConfigMap/ns/b\n"
        "  + ConfigMap/ns/c\n"
        "3 objects differ: 1 added, 1 removed, 1 changed\n"
    )


def test_markdown_for_a_pull_request_comment() -> None:
    base = {("prod", "ConfigMap", "ns", "a"): cm("a", x="1"), ("local", "ConfigMap", "ns", "b"): cm("b")}
    head = {("prod", "ConfigMap", "ns", "a"): cm("a", x="`2`"), ("local", "ConfigMap", "ns", "c"): cm("c")}
    loss = ["prod FlinkDeployment/flink/x: spec.job.upgradeMode: last-state -> stateless: ..."]
    review = ["prod FlinkDeployment/flink/x: spec.job.jarURI: ...",
              "prod FlinkSessionJob/flink/y: spec.job.jarURI: ..."]
    assert render_markdown(compare(base, head, unified=True), loss, review) == (
        "### Rendered change: 3 objects differ (1 added, 1 removed, 1 changed)\n"
        "\n"
        "> [!CAUTION]\n"
        "> **Certain loss: 1 change** of state, or a restore or sync that certainly fails (`--fail-on-unsafe` fails "
        "the check):\n"
        "> - `prod FlinkDeployment/flink/x: spec.job.upgradeMode: last-state -> stateless: ...`\n"
        "\n"
        "> [!WARNING]\n"
        "> **Review: 2 changes** (the effect on state depends on what the rendering does not show; does not fail the "
        "check):\n"
        "> - `prod FlinkDeployment/flink/x: spec.job.jarURI: ...`\n"
        "> - `prod FlinkSessionJob/flink/y: spec.job.jarURI: ...`\n"
        "\n"
        "<details open>\n<summary><b>local</b>: 1 added, 1 removed, 0 changed</summary>\n\n"
        "- **-** `ConfigMap/ns/b`\n"
        "- **+** `ConfigMap/ns/c`\n"
        "\n</details>\n\n"
        "<details open>\n<summary><b>prod</b>: 0 added, 0 removed, 1 changed</summary>\n\n"
        "- **~** `ConfigMap/ns/a`\n"
        "  - ``data.x: '1' -> '`2`'``\n"  # a value with backticks gets a longer fence
        "\n"
        "  ```diff\n"
        "  --- base\n  +++ head\n  @@ -4,4 +4,4 @@\n     name: a\n     namespace: ns\n   data:\n"
        "  -  x: '1'\n  +  x: '`2`'\n"
        "  ```\n"
        "\n</details>\n")
    assert render_markdown([], []) == "### Rendered change: none\n"
    only_review = render_markdown(compare(base, head), [], review[:1])
    assert "[!CAUTION]" not in only_review and "> **Review: 1 change** (the effect" in only_review


def test_a_long_markdown_report_is_cut_at_an_object_with_a_note() -> None:
    head = {("prod", "ConfigMap", "ns", f"cm-{i:03}"): cm(f"cm-{i:03}") for i in range(300)}
    report = render_markdown(compare({}, head), limit=2_000)
    assert len(report) <= 2_000
    assert report.count("- **+**") == report.count("\n- ")
    shown = report.count("- **+**")
    assert 0 < shown < 300
    assert report.endswith(f"</details>\n\n*Cut at 2,000 characters: {300 - shown} more objects; run `make diff` for "
                           "the whole report.*\n")


def test_long_values_show_where_they_differ() -> None:
    """Two long values with a common prefix must not read the same in the summary (they did: `'server.1=…'`)."""
    key = ("local", "ConfigMap", "ns", "a")
    servers = " ".join(f"server.{i}=zookeeper-{i}.zookeeper-headless.fluss.svc:2888:3888" for i in range(3))
    change = compare({key: cm("a", s=servers)}, {key: cm("a", s=servers.replace("zookeeper-2.", "zk-2."))})[0]
    (line,) = change.fields
    old, new = line.removeprefix("data.s: ").split(" -> ")
    assert old != new and old.startswith("…") and "zookeeper-2." in old and "zk-2." in new
    assert max(len(old), len(new)) <= 82


def test_unified_yaml_diff() -> None:
    key = ("dev", "ConfigMap", "ns", "a")
    change = compare({key: cm("a", x="1")}, {key: cm("a", x="2")}, unified=True)[0]
    assert "-  x: '1'\n+  x: '2'\n" in change.unified


def test_no_change_exits_0_and_unknown_ref_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["diff", "--base", "HEAD", "--head", "HEAD"]) == 0
    assert capsys.readouterr().out == "no rendered change\n"
    assert cli_main(["diff", "--base", "no-such-ref"]) == 2
    assert "no-such-ref" in capsys.readouterr().err


def test_changes_between_commits_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess

    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], capture_output=True, text=True,
                           check=True).stdout.split()[0]
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    if first == head:
        pytest.skip("shallow clone: no earlier commit to compare with")
    assert cli_main(["diff", "--base", first, "--head", "HEAD", "--env", "local"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("local: ") and "~ StatefulSet/fluss/tablet-server" in out


def _base_is_the_rendered_dist(monkeypatch: pytest.MonkeyPatch, rendered_root: Path) -> None:
    """The base of `diff` (default HEAD) read from a fresh render of the fixture test-local, laid out as dist/
    (tests/conftest.py), instead of git, whose copy would lag whenever a change is being made. Reading a ref's dist/
    is covered by the tests above."""
    def rendered_dist(ref: str, envs: list[str] | None) -> dict[Key, dict[str, object]]:
        assert (ref, envs) == ("HEAD", ["test-local"])
        objects = objects_in_directory(rendered_root, ["test-local"])
        assert objects
        return objects

    monkeypatch.setattr(manifests.diff, "rendered_at_ref", rendered_dist)


def test_working_tree_rendering_what_dist_holds_exits_0(monkeypatch: pytest.MonkeyPatch, rendered_root: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    _base_is_the_rendered_dist(monkeypatch, rendered_root)
    assert cli_main(["diff", "--env", "test-local", "--config-dir", str(FIXTURE_DIR)]) == 0
    assert capsys.readouterr().out == "no rendered change\n"


def test_a_source_change_in_the_working_tree_shows_with_its_field_paths(
        monkeypatch: pytest.MonkeyPatch, rendered_root: Path, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """Three ZooKeeper servers in local, not yet rendered into dist/: diff renders the working tree and shows them."""
    (tmp_path / "test-local.yaml").write_text((FIXTURE_DIR / "test-local.yaml").read_text()
                                              + "zookeeper:\n  replicas: 3\n")
    _base_is_the_rendered_dist(monkeypatch, rendered_root)
    assert cli_main(["diff", "--env", "test-local", "--config-dir", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["test-local: 0 added, 0 removed, 2 changed", "  ~ ConfigMap/fluss/zookeeper-config"]
    assert lines[2].startswith("      data.ZOO_SERVERS: ") and " server.2=zookeeper-1.zookeeper-hs." in lines[2]
    assert lines[3:6] == ["      data.ZOO_STANDALONE_ENABLED: 'true' -> 'false'", "  ~ StatefulSet/fluss/zookeeper",
                          "      spec.replicas: 1 -> 3"]
    assert lines[6].startswith("      spec.template.metadata.annotations.checksum/config: '")
    assert lines[7:] == ["2 objects differ: 0 added, 0 removed, 2 changed"]
