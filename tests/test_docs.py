"""README's configuration reference is generated from the schema and must not drift."""

from __future__ import annotations

from config.docs import END, README, START, readme_with_reference


def test_readme_configuration_reference_is_current() -> None:
    text = README.read_text()
    assert START in text and END in text
    assert readme_with_reference(text) == text, "run `make docs`"


def test_readme_starts_with_the_two_commands() -> None:
    head = README.read_text().splitlines()[:5]
    assert any("make synth" in line for line in head) and any("make test" in line for line in head)
