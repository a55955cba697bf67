"""Shared text rules (watercooler/core/text.py): finding NUL characters, folding names to ASCII."""

import pytest

from watercooler.core.text import ascii_fold, contains_nul


@pytest.mark.parametrize(
    "data",
    ["a\x00", ["ok", "b\x00"], ("ok", ["deep", {"k": "v\x00"}]), {"key\x00": "value"}],
)
def test_a_nul_is_found_at_any_depth_and_in_keys(data: object) -> None:
    assert contains_nul(data)


@pytest.mark.parametrize("data", ["", "plain", ["a", 1, None, 2.5], {"k": ["v", ("w",)]}, 0])
def test_text_without_nul_passes(data: object) -> None:
    assert not contains_nul(data)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ana María López", "Ana Maria Lopez"),
        ("Łukasz Żółć", "Lukasz Zolc"),
        ("Søren Ærø", "Soren AEro"),
        ("Straße", "Strasse"),
        ("Þórður", "Thordur"),
        ("Y\u0131ld\u0131z", "Yildiz"),  # the Turkish dotless i
        ("李雷", ""),
    ],
)
def test_names_fold_to_ascii(text: str, folded: str) -> None:
    assert ascii_fold(text) == folded
