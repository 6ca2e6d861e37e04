"""Small-group suppression (maturity/cohorts/suppression.py): thresholds, complementary cells,
differencing between views, and a property test that no published table lets a small group's
sum be computed, checked with exact rational arithmetic (independent of the module's numpy)."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maturity.cohorts.suppression import (
    INDICES,
    VARIABLES,
    RawBenchmarks,
    Sums,
    publish,
    publish_impact,
    safe_difference,
    suppress_breakdown,
    view_refusal,
)


def raw_from(cells: dict[tuple, list[float]], dimensions=("T1",)) -> RawBenchmarks:
    """A cohort from {(sector, department, size): [each firm's score]}; every figure = that score."""
    raw = RawBenchmarks(dimensions=dimensions)
    raw.firms = {key: len(scores) for key, scores in cells.items()}
    sums = {key: Sums(len(scores), float(sum(scores))) for key, scores in cells.items()}
    raw.metrics = {metric: dict(sums) for metric in (*INDICES, *dimensions)}
    return raw


def row(published, variable, value):
    return next(r for r in published["breakdowns"][variable]["rows"] if r["value"] == value)


def test_a_category_below_the_threshold_is_withheld_with_the_next_smallest():
    withheld = suppress_breakdown({"A": 4, "B": 8, "C": 9, "D": 30})
    assert withheld == {"A", "B"}          # A alone, or total − (B + C + D), would show 4 firms


def test_complementary_cells_are_added_until_the_hidden_group_is_big_enough():
    assert suppress_breakdown({"A": 1, "B": 1, "C": 2, "D": 20}) == {"A", "B", "C", "D"}
    assert suppress_breakdown({"A": 2, "B": 3, "C": 20, "D": 20}) == {"A", "B"}   # together 5: enough
    assert suppress_breakdown({"A": 4, "B": 20}, total_shown=False) == {"A"}      # nothing to subtract from
    assert suppress_breakdown({"A": 5, "B": 6}) == frozenset()


def test_safe_difference():
    assert safe_difference(20, [20, 25])
    assert not safe_difference(16, [20])
    assert not safe_difference(4, [5])


def test_sector_view_and_all_but_that_sector_are_never_both_shown():
    # 20 firms: sector A has 4, the other 16 are sector B ("all but A").
    cells = {("A", "15", "micro"): [10.0, 12.0, 14.0, 90.0]} | {("B", "15", "micro"): [50.0] * 16}
    raw = raw_from(cells)
    whole = publish(raw)
    assert whole["firms"] == 20 and whole["indices"]["overall"]["mean"] is not None
    assert view_refusal(raw, "sector", "A") == "too_few"
    assert view_refusal(raw, "sector", "B") == "difference"      # 20 − 16 = the 4 firms of A
    for value in ("A", "B"):
        published = publish(raw, ("sector", value))
        assert published["refused"] is not None
        assert published["indices"]["overall"]["mean"] is None and published["firms"] is None
        assert all(d["mean"] is None and d["median"] is None for d in published["dimensions"])
    # … and the unfiltered breakdown withholds both, so the total cannot be split either.
    assert row(whole, "sector", "A")["overall"] is None and row(whole, "sector", "B")["overall"] is None
    assert row(whole, "sector", "A")["firms"] is None and row(whole, "sector", "B")["firms"] is None


def test_a_category_of_four_inside_a_breakdown_with_its_total_withholds_the_next_smallest_too():
    cells = {("A", "15", "micro"): [80.0] * 4, ("B", "15", "micro"): [40.0] * 7,
             ("C", "15", "micro"): [30.0] * 9, ("D", "15", "micro"): [20.0] * 12}
    published = publish(raw_from(cells))
    assert published["indices"]["overall"]["n"] == 32
    assert row(published, "sector", "A")["overall"] is None
    assert row(published, "sector", "B")["overall"] is None     # complementary
    assert row(published, "sector", "C")["overall"] == 30.0
    assert row(published, "sector", "D")["overall"] == 20.0
    assert publish(raw_from(cells), ("sector", "B"))["refused"] == "difference"
    assert publish(raw_from(cells), ("sector", "C"))["refused"] is None


def test_differencing_across_two_breakdowns_is_closed():
    # Sector A (3 firms) is withheld with B (6 firms) as its complement; but department 02 holds
    # exactly B's firms, so "total − C − department 02" would give A. The audit must catch it.
    cells = {("A", "01", "micro"): [90.0] * 3, ("B", "02", "micro"): [10.0] * 6,
             ("C", "01", "small"): [50.0] * 10, ("C", "03", "small"): [55.0] * 10}
    published = publish(raw_from(cells))
    shown = published_sets(published, cells, "overall")
    assert not recoverable_exactly(cells, shown, [frozenset({("A", "01", "micro")})])


def test_small_cohorts_show_no_figure():
    cells = {("A", "15", "micro"): [40.0, 50.0, 60.0, 70.0]}
    published = publish(raw_from(cells))
    assert published["firms"] is None
    assert published["indices"]["overall"] == {"shown": False, "n": None, "mean": None}
    assert all(r["firms"] is None for r in published["breakdowns"]["sector"]["rows"])


def test_dimension_quantiles_follow_their_figure():
    cells = {("A", "15", "micro"): [40.0] * 6}
    raw = raw_from(cells, dimensions=("T1", "T5"))
    raw.metrics["T5"] = {("A", "15", "micro"): Sums(3, 90.0)}          # T5 applies to 3 firms only
    raw.quantiles = {"T1": {"p10": 40.0, "p25": 40.0, "median": 40.0, "p75": 40.0, "p90": 40.0},
                     "T5": {"p10": 20.0, "p25": 25.0, "median": 30.0, "p75": 35.0, "p90": 40.0}}
    dims = {d["id"]: d for d in publish(raw)["dimensions"]}
    assert dims["T1"]["median"] == 40.0 and dims["T1"]["n"] == 6
    assert dims["T5"] == {"id": "T5", "shown": False, "n": None, "mean": None, "p10": None, "p25": None,
                          "median": None, "p75": None, "p90": None}


def test_impact_needs_enough_firms_assessed_twice():
    out = publish_impact({"overall": {"n": 4, "mean_change": 3.0, "ci_low": 1.0, "ci_high": 5.0, "share_up": 50.0},
                          "T1": {"n": 5, "mean_change": 2.0, "ci_low": 0.5, "ci_high": 3.5, "share_up": 20.0}})
    assert out["overall"] == {"n": None, "mean_change": None, "ci_low": None, "ci_high": None, "share_up": None,
                              "shown": False}
    assert out["T1"]["mean_change"] == 2.0 and out["T1"]["shown"]


# --- the property: nothing about a small group can be computed from what is published ----------

def published_sets(published: dict, cells: dict, metric: str) -> list[set]:
    """The groups of firms whose sum of `metric` can be read off the published output (mean × n,
    where the analyst knows n from the firm counts, or assumes it: the worst case)."""
    sets = []
    if (published["indices"][metric]["mean"] if metric in INDICES else None) is not None:
        sets.append(set(cells))
    for variable in VARIABLES:
        index = VARIABLES.index(variable)
        for r in published["breakdowns"][variable]["rows"]:
            if r[metric] is not None:
                sets.append({k for k in cells if k[index] == r["value"]})
    return sets


def recoverable_exactly(cells: dict, published: list[set], groups: list[frozenset]) -> list[frozenset]:
    """Exact Gaussian elimination over the rationals: the groups whose indicator is a linear
    combination of the published sets' indicators."""
    keys = sorted(cells, key=str)
    basis: list[tuple[int, list[Fraction]]] = []   # (pivot column, row) in reduced form

    def reduce(vector: list[Fraction]) -> list[Fraction]:
        v = list(vector)
        for pivot, b in basis:
            if v[pivot] != 0:
                factor = v[pivot] / b[pivot]
                v = [x - factor * y for x, y in zip(v, b, strict=True)]
        return v

    for members in published:
        v = reduce([Fraction(1 if k in members else 0) for k in keys])
        pivot = next((i for i, x in enumerate(v) if x != 0), None)
        if pivot is not None:
            basis.append((pivot, v))
    return [g for g in groups if not any(reduce([Fraction(1 if k in g else 0) for k in keys]))]


def small_groups(cells: dict, min_n: int = 5) -> list[frozenset]:
    """Every group named by a sector, department, size or a combination, with 1–4 firms."""
    from itertools import combinations

    out = set()
    for size in (1, 2, 3):
        for positions in combinations(range(3), size):
            labels = {tuple(k[p] for p in positions) for k in cells}
            for label in labels:
                members = frozenset(k for k in cells if tuple(k[p] for p in positions) == label)
                if 0 < sum(len(cells[k]) for k in members) < min_n:
                    out.add(members)
    return list(out)


cohorts = st.dictionaries(
    keys=st.tuples(st.sampled_from("ABCD"), st.sampled_from(["01", "02", "03"]), st.sampled_from(["micro", "small"])),
    values=st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=9),
    min_size=1, max_size=14)


@given(cohorts)
def test_no_published_table_lets_a_small_group_be_computed(cells):
    published = publish(raw_from(cells))
    groups = small_groups(cells)
    assert not recoverable_exactly(cells, published_sets(published, cells, "overall"), groups)
    # The firm counts are published too, and must not single out a small group either.
    count_sets = [set(cells)] if published["firms"] is not None else []
    for variable in VARIABLES:
        index = VARIABLES.index(variable)
        count_sets += [{k for k in cells if k[index] == r["value"]}
                       for r in published["breakdowns"][variable]["rows"] if r["firms"] is not None]
    assert not recoverable_exactly(cells, count_sets, groups)


@given(cohorts, st.sampled_from(VARIABLES), st.sampled_from(["A", "B", "01", "02", "micro", "small"]))
def test_a_filtered_view_is_shown_only_when_its_cell_is_published(cells, variable, value):
    raw = raw_from(cells)
    whole, view = publish(raw), publish(raw, (variable, value))
    cell = next((r for r in whole["breakdowns"][variable]["rows"] if r["value"] == value), None)
    if view["refused"] is None:
        assert cell is not None and cell["firms"] is not None and view["firms"] >= 5
        assert view["firms"] == whole["firms"] or whole["firms"] - view["firms"] >= 5
    else:
        assert view["indices"]["overall"]["mean"] is None


@pytest.mark.parametrize("min_n", [5, 10])
def test_the_threshold_is_configurable(min_n):
    cells = {("A", "15", "micro"): [50.0] * 7, ("B", "15", "micro"): [60.0] * 12}
    published = publish(raw_from(cells), min_n=min_n)
    assert (row(published, "sector", "A")["overall"] is None) == (min_n > 7)
