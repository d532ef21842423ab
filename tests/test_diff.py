"""diff: added, removed and changed objects with field paths; exit codes."""

from __future__ import annotations

import pytest

from cli.commands import main as cli_main
from manifests.diff import compare, render


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
