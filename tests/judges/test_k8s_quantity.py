"""Our Kubernetes quantity reader (`upstream.api_formats.quantity`), which the config checks use, against the real
k8s.io/apimachinery `resource.Quantity` (`tests/judges/k8s_quantity.py`) on a few hundred generated texts: the same
texts accepted with the same exact value, the same error for the others."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from config.loading import ecma_regex, schema
from tests.conftest import config_errors, environment
from tests.judges import k8s_quantity as judge
from upstream.api_formats import QuantityError, quantity
from upstream.capabilities import KUBERNETES

SIGNS = ("", "", "", "+", "-")
NUMBERS = ("0", "1", "5", "250", "007", "1.5", "0.1", ".5", "5.", ".", "", "1.2.3", "123456789012345678",
           "1234567890123456789", "99999999999999999999", "0.0000000001", "1.123456789012")
SUFFIXES = ("", "", "m", "n", "u", "k", "K", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "ki", "mi",
            "e3", "E3", "e-3", "e+2", "e-12", "E-20", "e", "ee3", "e3.5", "Mi3", "Gi ", "x", "e4294967296", "e-4294967290",
            "e99999999999999999999", "i", "KiB")
PADDING = ("", "", "", "", " ", "\t", "\u00a0", "\u2028", "\n")


def texts(count: int = 500, seed: int = 20261208) -> list[str]:
    """`count` texts: a sign, a number and a suffix from the lists above (valid or not), sometimes padded."""
    rng = random.Random(seed)
    return [rng.choice(PADDING) + rng.choice(SIGNS) + rng.choice(NUMBERS) + rng.choice(SUFFIXES) + rng.choice(PADDING)
            for _ in range(count)]


@pytest.fixture(scope="module")
def binary() -> Path:
    return judge.JUDGE.binary()


def ours(text: str) -> Decimal | str:
    """Our value, or the apimachinery error our message ends with."""
    try:
        return quantity(text)
    except QuantityError as error:
        return str(error).rsplit(": ", 1)[-1]


def test_the_judge_pins_the_kubernetes_the_project_supports() -> None:
    assert judge.VERSION == "v0." + KUBERNETES.version.split(".", 1)[1]


def test_our_reader_accepts_and_refuses_what_apimachinery_does(binary: Path) -> None:
    cases = [*texts(), "0", "", " ", "1Gi", "500m", "1.5Ki", "Ki", "Pi", "+", "-0", ".e-10", "1.5n", "9Ei", "-9Ei",
             "8Ei", "1E", "100Mi", "0.5e-9", "1e-9", "-1.5n"]
    theirs = judge.parse_quantities(binary, cases)
    assert [(text, ours(text), answer) for text, answer in zip(cases, theirs, strict=True)
            if ours(text) != answer] == []
    accepted = sum(isinstance(answer, Decimal) for answer in theirs)
    assert 100 <= accepted <= len(cases) - 100  # both answers are well represented


def test_what_the_reader_takes_from_apimachinery() -> None:
    """The facts the judge showed, kept without Go: no digits read as 0, rounding up to 10^-9, the binary cap, the
    suffix table (`K` is no suffix), the trim of a space but not of an escaped tab."""
    assert [quantity(text) for text in ("Ki", "+", "1.5n", "-1.5n", "9Ei", "1e3", " 2Gi ")] == [
        0, 0, Decimal("2e-9"), Decimal("-2e-9"), 2**63 - 1, 1000, 2 * 2**30]
    for text, error in (("1K", "suffix"), ("Pi", "numeric part"), ("\t1", "regular expression"), ("", "regular")):
        with pytest.raises(QuantityError, match=error):
            quantity(text)



def _schema_matches(texts: list[str]) -> list[str]:
    """The texts the environment schema's `$defs/quantity` pattern matches, as the config loader applies it."""
    pattern = ecma_regex(schema()["$defs"]["quantity"]["pattern"])
    return [text for text in texts if pattern.find(text) is not None]


def test_every_quantity_the_schema_lets_through_is_one_kubernetes_reads() -> None:
    """The schema's pattern (what config accepts at load) is stricter than Kubernetes (no sign, exponent, `n`, `u`,
    `P`, `E`, `Pi`, `Ei`), never looser: each generated one-line text it matches reads here, as a quantity >= 0."""
    matched = _schema_matches([text for text in [*texts(), "1Gi", "0.5", "250m", "1.5Ti"] if "\n" not in text])
    assert len(matched) >= 20
    assert [text for text in matched if quantity(text) < 0] == []


def test_the_schema_refuses_a_quantity_with_a_final_line_break() -> None:
    """JSON Schema's `$` (ECMA-262) ends the text; Python's `re` would also match before a final line break, and the
    API server's parser refuses `1Gi` followed by one."""
    assert _schema_matches(["1Gi\n", "1Gi"]) == ["1Gi"]
    with pytest.raises(QuantityError):
        quantity("1Gi\n")
    errors = config_errors(environment(fluss={"tabletDataStorage": "1Gi\n"}))
    assert len(errors) == 1 and errors[0].startswith("fluss.tabletDataStorage: ")
