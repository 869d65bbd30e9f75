"""The reader of numbers as sources write them (reportkit.evidence.quotes), form by form."""

from __future__ import annotations

import pytest

from reportkit.evidence.quotes import numbers_in, supports

# (passage, value in base units, kind) — each a form sources use
FORMS = [
    ("26%", 0.26, "percent"),
    ("26 percent", 0.26, "percent"),
    ("26 per cent", 0.26, "percent"),
    ("Forty percent of solutions", 0.40, "percent"),
    ("85 million jobs", 85e6, "count"),
    ("more than five million jobs", 5e6, "count"),
    ("more than 100,000 videos", 1e5, "count"),
    ("€22 billion", 22e9, "money"),
    ("US$ 1.2bn", 1.2e9, "money"),
    ("$5m", 5e6, "money"),
    ("2.5x faster", 2.5, "multiplier"),
    ("3倍", 3.0, "multiplier"),
    ("twice as fast", 2.0, "multiplier"),
    ("8,500萬", 85e6, "count"),
    ("9,700万", 97e6, "count"),
    ("五成", 0.5, "percent"),
    ("三成五", 0.35, "percent"),
    ("百分之二十六", 0.26, "percent"),
    ("四分之一", 0.25, "percent"),
    ("企業の4分の1が", 0.25, "percent"),
    ("調査に参加した人の99%が", 0.99, "percent"),
    ("one in four", 0.25, "percent"),
    ("4 in 10 translators", 0.4, "percent"),
    ("a quarter of illustrators", 0.25, "percent"),
    ("two-thirds of tasks", 2 / 3, "percent"),
    ("three quarters of translators", 0.75, "percent"),
    ("half of employers", 0.5, "percent"),
]


@pytest.mark.parametrize(("passage", "value", "kind"), FORMS, ids=[f[0] for f in FORMS])
def test_reads_source_form(passage: str, value: float, kind: str) -> None:
    assert any(n.kind == kind and n.value == pytest.approx(value) for n in numbers_in(passage)), \
        [(n.text, n.value, n.kind) for n in numbers_in(passage)]


@pytest.mark.parametrize("passage", ["often", "the tenth edition", "someone said", "5 m long", "Exhibit"])
def test_words_that_are_not_numbers(passage: str) -> None:
    assert all(n.kind == "count" for n in numbers_in(passage))
    assert not any(n.kind == "percent" for n in numbers_in(passage))


def test_precision_is_the_rows() -> None:
    assert supports("21.4% of the jobs", 0.214, "percent", 1)
    assert not supports("21.4% of the jobs", 0.215, "percent", 1)
    assert supports("about 39%", 0.39, "percent", 0)
    assert not supports("about 39%", 0.40, "percent", 0)
    # a source rounding more coarsely than the row still states it ("26%" for 0.26 at 1 decimal)
    assert supports("26%", 0.26, "percent", 1)


def test_a_decrease_is_written_with_a_verb() -> None:
    assert supports("writing jobs declined by 33%", -0.33, "percent", 0)


def test_kind_and_currency_must_agree() -> None:
    assert not supports("26 jobs", 0.26, "percent", 0)
    assert not supports("26%", 26, "count", 0)
    assert not supports("$22 billion", 22e9, "EUR", 0)
    assert supports("€22 billion", 22e9, "EUR", 0)


def test_a_range_needs_both_ends() -> None:
    assert supports("30% to 50% faster", 0.3, "percent", 0, 0.5)
    assert not supports("30% faster", 0.3, "percent", 0, 0.5)


def test_no_number_states_nothing() -> None:
    assert not supports("most consumers would be uncomfortable", 0.7, "percent", 0)
