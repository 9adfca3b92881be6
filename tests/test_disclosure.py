"""Disclosure control (evaluation.stats.disclosure): property tests on random tables.

The "cannot be worked out" checks are independent of the package's own audit: a closed-form
interval for one-dimensional families, and an integer programme (scipy ``milp``) over every row
and column for two-way tables.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from evaluation.stats.disclosure import (
    LOG_COLUMNS,
    DisclosureRiskWarning,
    audit,
    protect,
    protect_table,
    suppress,
    suppress_two_way,
)

COUNT = st.one_of(st.just(0), st.integers(1, 9), st.integers(5, 80))
THRESHOLD = st.integers(3, 10)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def families(draw):
    """A tidy table of 1-3 families (dimensions) of 2-9 categories, and a threshold."""
    rows = []
    for d in range(draw(st.integers(1, 3))):
        for c, n in enumerate(draw(st.lists(COUNT, min_size=2, max_size=9))):
            rows.append({"dimension": f"d{d}", "category": f"c{c}", "n": n})
    table = pd.DataFrame(rows)
    table["share"] = table["n"] / table.groupby("dimension")["n"].transform("sum").replace(0, 1)
    return table, draw(THRESHOLD)


def _interval(total: float, published: list[float], hidden: list[tuple[str, float]], threshold: int):
    """Closed-form bounds of each suppressed cell of a family with a published total.

    The attacker knows S = total − Σ published = Σ suppressed, that a primary cell lies in
    [1, t − 1] and a secondary one in [1, ∞): lo_i = max(L_i, S − Σ_{j≠i} U_j) and
    hi_i = min(U_i, S − Σ_{j≠i} L_j).
    """
    s = total - sum(published)
    lows = [1.0 for _ in hidden]
    ups = [threshold - 1.0 if flag == "primary" else math.inf for flag, _ in hidden]
    out = []
    for i in range(len(hidden)):
        lo = max(lows[i], s - sum(u for j, u in enumerate(ups) if j != i))
        hi = min(ups[i], s - sum(low for j, low in enumerate(lows) if j != i))
        out.append((lo, hi))
    return out


@SETTINGS
@given(families())
def test_one_dimensional_families_are_protected(case):
    table, t = case
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DisclosureRiskWarning)
        res = protect_table(table, count="n", threshold=t, by=["dimension"], dependent=["share"], name="t")
    out = res.table
    published = out["n"].dropna()
    # no published count from 1 to threshold − 1, and zeros are published
    assert not ((published >= 1) & (published < t)).any()
    assert (out.loc[table["n"] == 0, "suppressed"] == "").all()
    # shares of suppressed cells are suppressed with them
    assert out["share"].isna().equals(out["n"].isna())
    for dim, grp in out.groupby("dimension"):
        original = table.loc[grp.index, "n"]
        hidden = grp[grp["suppressed"] != ""]
        unprotected = [u for u in res.unprotected if u[0] == dim]
        if unprotected:
            # only when nothing was left to suppress: every non-zero cell of the family is hidden
            assert (grp.loc[original > 0, "suppressed"] != "").all()
            assert caught
            continue
        # each family has no or at least two suppressed cells
        assert len(hidden) != 1
        bounds = _interval(float(original.sum()), grp["n"].dropna().tolist(),
                           list(zip(hidden["suppressed"], original[hidden.index], strict=True)), t)
        for (lo, hi), value in zip(bounds, original[hidden.index], strict=True):
            assert lo <= value <= hi
            assert hi - lo >= 1, f"a suppressed cell of {dim} can be worked out: {lo}..{hi}"
    # the log lists every suppressed cell, with its value and reason
    assert list(res.log.columns) == LOG_COLUMNS
    logged = res.log.set_index(["dimension", "category"])["value"].to_dict()
    expected = {(r.dimension, r.category): float(table.loc[i, "n"]) for i, r in out[out["suppressed"] != ""].iterrows()}
    assert logged == expected
    assert res.log["reason"].str.match(r"(primary|secondary): ").all()


@pytest.mark.slow  # a property test of many examples: `make test` runs it, the quick loop does not
@pytest.mark.filterwarnings("ignore::evaluation.stats.disclosure.DisclosureRiskWarning")
@SETTINGS
@given(families(), st.randoms(use_true_random=False))
def test_relabelling_permutes_but_does_not_change(case, rnd):
    table, t = case
    base = protect_table(table, count="n", threshold=t, by=["dimension"]).table
    names = [f"k{i}" for i in range(len(table))]
    rnd.shuffle(names)
    relabelled = table.assign(category=names)
    again = protect_table(relabelled, count="n", threshold=t, by=["dimension"]).table
    assert again["suppressed"].tolist() == base["suppressed"].tolist()
    pd.testing.assert_series_equal(again["n"], base["n"])
    # reordering rows permutes the result when no two cells of a family tie
    if not table.duplicated(["dimension", "n"]).any():
        order = list(table.index)
        rnd.shuffle(order)
        shuffled = protect_table(table.loc[order], count="n", threshold=t, by=["dimension"]).table
        pd.testing.assert_frame_equal(shuffled.loc[base.index], base)


@st.composite
def grids(draw):
    r, c = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    values = draw(st.lists(COUNT, min_size=r * c, max_size=r * c))
    rows = [{"row": f"r{i}", "col": f"c{j}", "n": values[i * c + j]} for i in range(r) for j in range(c)]
    return pd.DataFrame(rows), draw(THRESHOLD)


def _milp_bounds(grid: np.ndarray, flags: np.ndarray, row_flags, col_flags, threshold: int):
    """Integer bounds of every suppressed cell/margin of a two-way table with a published grand total."""
    r, c = grid.shape
    values = [*grid.ravel(), *grid.sum(axis=1), *grid.sum(axis=0)]
    labels = [*flags.ravel(), *row_flags, *col_flags]
    hidden = [i for i, f in enumerate(labels) if f]
    pos = {cell: k for k, cell in enumerate(hidden)}
    rows_, rhs = [], []

    def relation(total: int, parts: list[int], total_value: float | None = None):
        coef, b = np.zeros(len(hidden)), 0.0
        for cell, sign in [*[(p, 1.0) for p in parts]] + ([(total, -1.0)] if total is not None else []):
            if cell in pos:
                coef[pos[cell]] += sign
            else:
                b -= sign * values[cell]
        if total is None:
            b += total_value
        if coef.any():
            rows_.append(coef)
            rhs.append(b)

    for i in range(r):
        relation(r * c + i, [i * c + j for j in range(c)])
    for j in range(c):
        relation(r * c + r + j, [i * c + j for i in range(r)])
    relation(None, [r * c + i for i in range(r)], float(grid.sum()))
    relation(None, [r * c + r + j for j in range(c)], float(grid.sum()))
    lower = np.array([min(1.0, values[i]) for i in hidden])
    upper = np.array([threshold - 1.0 if labels[i] == "primary" else grid.sum() for i in hidden])
    cons = [LinearConstraint(np.array(rows_), np.array(rhs), np.array(rhs))] if rows_ else []
    out = {}
    for k, cell in enumerate(hidden):
        e = np.zeros(len(hidden))
        e[k] = 1.0
        lo = milp(e, constraints=cons, integrality=np.ones(len(hidden)), bounds=Bounds(lower, upper))
        hi = milp(-e, constraints=cons, integrality=np.ones(len(hidden)), bounds=Bounds(lower, upper))
        out[cell] = (lo.fun, -hi.fun, values[cell])
    return out


@pytest.mark.slow  # a property test of many examples: `make test` runs it, the quick loop does not
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_two_way_tables_are_protected(case):
    table, t = case
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always", DisclosureRiskWarning)
        res = suppress_two_way(table, row="row", column="col", count="n", threshold=t, name="grid")
    cells, rows, cols = res.cells, res.row_totals, res.column_totals
    for frame in (cells, rows, cols):
        shown = frame["n"].dropna()
        assert not ((shown >= 1) & (shown < t)).any()
    assert (cells.loc[cells["suppressed"] == "", "n"].to_numpy() ==
            table.set_index(["row", "col"]).loc[list(zip(cells["row"], cells["col"], strict=True)), "n"]
            .to_numpy()[cells["suppressed"].to_numpy() == ""]).all()
    r, c = len(rows), len(cols)
    grid = table.pivot(index="row", columns="col", values="n").loc[rows["row"], cols["col"]].to_numpy(float)
    flags = cells["suppressed"].to_numpy().reshape(r, c)
    assert (flags[grid == 0] == "").all()  # zeros are published
    bounds = _milp_bounds(grid, flags, rows["suppressed"].tolist(), cols["suppressed"].tolist(), t)
    for lo, hi, value in bounds.values():
        assert lo - 1e-6 <= value <= hi + 1e-6
    exact = [cell for cell, (lo, hi, _) in bounds.items() if hi - lo < 1 - 1e-6]
    if res.unprotected:
        return  # nothing was left to suppress; the warning said so
    assert not exact, f"suppressed cells {exact} of a two-way table can be worked out"
    # each row and column (with its margin) has no or at least two suppressed entries
    for i in range(r):
        assert sum(f != "" for f in [*flags[i], rows["suppressed"].iloc[i]]) != 1
    for j in range(c):
        assert sum(f != "" for f in [*flags[:, j], cols["suppressed"].iloc[j]]) != 1
    assert len(res.log) == int((flags != "").sum() + (rows["suppressed"] != "").sum() +
                               (cols["suppressed"] != "").sum())


# ------------------------------------------------------------------------------ fixed cases


def test_suppress_keeps_its_meaning_for_report_breakdowns():
    table = pd.DataFrame({
        "dimension": ["sector"] * 4 + ["role_level"] * 3,
        "scale": ["s"] * 7,
        "category": ["a", "b", "c", "d", "x", "y", "z"],
        "n_pairs": [40, 3, 12, 0, 30, 20, 25],
        "mean_change": [0.3, 0.9, 0.1, np.nan, 0.2, 0.4, 0.3],
    })
    out = suppress(table, count="n_pairs", by=["dimension", "scale"], dependent=["mean_change"])
    assert out["suppressed"].tolist() == ["", "primary", "secondary", "", "", "", ""]
    assert out["mean_change"].isna().tolist() == [False, True, True, True, False, False, False]
    assert table["n_pairs"].tolist() == [40, 3, 12, 0, 30, 20, 25]  # not modified


def test_two_small_cells_that_add_up_to_their_bounds_get_a_third():
    # 1 + 1 = 2 with both primary: each must be 1, so a third cell is suppressed
    res = protect([1, 1, 30, 40, 72], [(4, [0, 1, 2, 3])], threshold=5, exempt=[4])
    assert res.flags == ("primary", "primary", "secondary", "", "")
    low, high = audit([1, 1, 30, 40, 72], [(4, [0, 1, 2, 3])], res.flags, threshold=5)
    assert (low[0], high[0]) == (1.0, 4.0)
    # 4 + 4 = 8 with both primary: each must be 4
    res = protect([4, 4, 30, 38], [(3, [0, 1, 2])], threshold=5, exempt=[3])
    assert res.flags == ("primary", "primary", "secondary", "")


def test_withheld_cells_of_a_union_line_never_add_up_to_a_small_count():
    # cohort 4's breakdown by role level: 81 people with both scores (tables/outcomes.csv), 55 first-line
    # and 23 middle managers published, frontline (2) and senior (1) withheld: 81 − 55 − 23 = 3 people,
    # whose mean and SD (from n × mean and d_z) gave their three changes exactly
    cells, lines = [55, 23, 2, 1, 81], [(4, [0, 1, 2, 3])]
    assert protect(cells, lines, threshold=5, exempt=[4]).flags == ("", "", "primary", "primary", "")
    res = protect(cells, lines, threshold=5, exempt=[4], union_lines=[0])
    assert res.flags == ("", "secondary", "primary", "primary", "")
    assert "would add up to 3, from 1 to threshold − 1" in res.reasons[1]
    # withheld cells that already make a count of at least the threshold need nothing more
    assert protect([55, 23, 4, 2, 84], lines, threshold=5, exempt=[4], union_lines=[0]).flags == (
        "", "", "primary", "primary", "")


def test_unprotectable_table_warns():
    with pytest.warns(DisclosureRiskWarning, match="could still be worked out"):
        res = protect_table(pd.DataFrame({"category": ["a", "b", "c"], "n": [4, 4, 0]}), count="n", name="tiny")
    assert res.unprotected == (("", "a"), ("", "b"))
    assert res.log["reason"].str.contains("UNPROTECTED").all()


def test_forced_cells_and_checks():
    table = pd.DataFrame({"category": ["a", "b", "c", "d"], "n": [20, 12, 9, 30]})
    res = protect_table(table, count="n", forced={1: "secondary"}, name="t", forced_reason="suppressed elsewhere")
    assert res.table["suppressed"].tolist() == ["", "secondary", "secondary", ""]
    assert res.log.set_index("category").loc["b", "reason"] == "suppressed elsewhere"
    with pytest.raises(ValueError, match=r"`threshold` must be a whole number ≥ 1"):
        suppress(table, count="n", threshold=0)
    with pytest.raises(ValueError, match=r"`table` lacks required column\(s\) \['m'\]"):
        suppress(table, count="m")
    with pytest.raises(ValueError, match="`values` must be whole numbers"):
        protect([1.5, 2])
    with pytest.raises(ValueError, match="is not the sum of cells"):
        protect([1, 2, 4], [(2, [0, 1])])


def test_complements_of_a_union_line_never_add_up_to_a_small_count():
    # groups a, b, c: participants (cells 0-2, total 9), completers (3-5, total 10), non-completers
    # (6-8, never published, total 11). c's 4 is withheld, and b to protect it: b and c hold 12
    # people and 11 completers together, so 1 non-completer (cohort 2's disability groups)
    enrolled, completed = [30, 8, 4], [24, 7, 4]
    values = [*enrolled, *completed, *(e - c for e, c in zip(enrolled, completed, strict=True)), 42, 35, 7]
    lines = [(9, [0, 1, 2]), (10, [3, 4, 5]), (11, [6, 7, 8]), (9, [10, 11])]
    lines += [(k, [3 + k, 6 + k]) for k in range(3)]
    kwargs = {"threshold": 5, "exempt": [9, 10, 11], "unpublished": [6, 7, 8]}

    def non_completers_withheld(res):
        return sum(values[6 + k] for k in range(3) if res.flags[k] or res.flags[3 + k])

    assert non_completers_withheld(protect(values, lines, **kwargs)) == 1  # 42 − 30 = 12 people, 35 − 24 = 11 completers
    res = protect(values, lines, **kwargs, union_lines=[0, 1, 2])
    assert not 1 <= non_completers_withheld(res) < 5
    withheld = [k for k in range(3) if res.flags[k] or res.flags[3 + k]]
    assert not 1 <= sum(values[k] for k in withheld) < 5
    assert not 1 <= sum(values[3 + k] for k in withheld) < 5
    assert "would add up to 1, from 1 to threshold − 1" in " ".join(res.reasons)
