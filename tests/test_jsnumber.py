"""``js_string``: JavaScript's ``String(n)``, the text a metadata filter compares a number by."""

from __future__ import annotations

import pytest

from tracking_mock.jsnumber import js_string

# Each expected text is what a JavaScript console prints for String(n).
CASES: list[tuple[int | float, str]] = [
    (100, "100"),
    (100.0, "100"),
    (100.5, "100.5"),
    (-0.0, "0"),
    (-2.5, "-2.5"),
    (182394, "182394"),
    (2**53 - 1, "9007199254740991"),
    (1e-7, "1e-7"),
    (2.5e-8, "2.5e-8"),
    (1e-6, "0.000001"),
    (0.000123, "0.000123"),
    (0.1 + 0.2, "0.30000000000000004"),
    (1e20, "100000000000000000000"),
    (1e21, "1e+21"),
    (1.5e300, "1.5e+300"),
    (123456789012345680000.0, "123456789012345680000"),
    (float("inf"), "Infinity"),
    (float("-inf"), "-Infinity"),
    (float("nan"), "NaN"),
]


@pytest.mark.parametrize(("number", "text"), CASES, ids=[text for _, text in CASES])
def test_js_string_prints_numbers_as_javascript_does(number: float, text: str) -> None:
    assert js_string(number) == text
