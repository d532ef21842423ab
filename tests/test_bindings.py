"""The build step over the generated bindings: only the getters' no-op `typing.cast` goes, everything else stays."""

from __future__ import annotations

from pathlib import Path

from manifests.bindings import RUNTIME_CAST, strip_runtime_casts

GETTER = '''class Spec:
    @builtins.property
    def image(self) -> typing.Optional[builtins.str]:
        result = self._values.get("image")
        return typing.cast(typing.Optional[builtins.str], result)

    def other(self) -> typing.Any:
        return typing.cast(typing.Any, jsii.get(self, "other"))
'''


def test_only_the_getters_casts_of_result_are_dropped_and_the_step_is_idempotent(tmp_path: Path) -> None:
    module = tmp_path / "pkg" / "__init__.py"
    module.parent.mkdir()
    module.write_text(GETTER)
    assert strip_runtime_casts(tmp_path) == 1
    text = module.read_text()
    assert "        return result  # typing.cast(...) removed" in text
    assert 'return typing.cast(typing.Any, jsii.get(self, "other"))' in text  # not a `result` getter: kept
    assert "def image(self) -> typing.Optional[builtins.str]:" in text  # annotations kept
    assert strip_runtime_casts(tmp_path) == 0


def test_the_generated_bindings_went_through_the_step() -> None:
    imports = Path(__file__).resolve().parent.parent / "imports"
    assert [p for p in imports.rglob("*.py") if RUNTIME_CAST.search(p.read_text())] == []
