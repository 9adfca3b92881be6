"""Issue 12 item 1 (where it works and where it is blocked): pooled change by group, and its
disclosure control across the programme's groups and against what the cohort reports publish."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from evaluation.data.programme import load_programme_data
from evaluation.reports import equity_report, outcome_report
from evaluation.reports.programme_report import where as w
from evaluation.reports.programme_report.where_attack import where_leaks
from evaluation.reports.programme_report.where_disclosure import (
    ALL,
    cohort_published,
    protect_where,
    where_groups,
    with_complements,
)
from evaluation.reports.programme_report.where_table import linked_places
from evaluation.stats.disclosure import DisclosureRiskWarning
from evaluation.stats.disclosure.attack import count_intervals

T = 5


# ----------------------------------------------------------------- the pooled change


@pytest.mark.parametrize("seed", range(4))
def test_stratified_change_matches_least_squares_with_cohort_dummies(seed):
    rng = np.random.default_rng(seed)
    cohort = np.repeat([1, 2, 3], [7, 12, 5])
    change = rng.normal(0.3, 0.5, cohort.size) + np.select([cohort == 1, cohort == 2], [0.2, -0.1], 0.0)
    res = w.stratified_change(change, cohort, confidence_level=0.9)
    # Reference: statsmodels OLS of change on cohort dummies (no intercept), the contrast that
    # weights each cohort's mean by its share of the pairs: sm.OLS(change, dummies).fit().t_test(n_c / N)
    dummies = pd.get_dummies(cohort).to_numpy(dtype=float)
    fit = sm.OLS(change, dummies).fit()
    contrast = fit.t_test(dummies.sum(axis=0) / cohort.size)
    low, high = contrast.conf_int(alpha=0.1)[0]
    assert res.mean_change == pytest.approx(float(contrast.effect[0]), abs=1e-12)
    assert res.se == pytest.approx(float(contrast.sd[0, 0]), abs=1e-12)
    assert (res.ci_low, res.ci_high) == pytest.approx((low, high), abs=1e-12)
    assert res.df == fit.df_resid == cohort.size - 3


def test_stratified_change_with_one_cohort_is_the_paired_t_interval():
    d = np.array([0.5, 0.25, -0.1, 0.8, 0.3, 0.0, 0.45])
    res = w.stratified_change(d, np.ones(d.size), confidence_level=0.95)
    # Reference: R 4 t.test(c(0.5, 0.25, -0.1, 0.8, 0.3, 0, 0.45))$conf.int -> 0.03084113032 0.59773029825
    assert (res.ci_low, res.ci_high) == pytest.approx((0.03084113032, 0.59773029825), abs=1e-10)
    assert res.n_cohorts == 1 and res.df == 6


def test_stratified_change_without_spare_pairs_gives_no_interval_and_validates():
    res = w.stratified_change([0.2, 0.4], [1, 2])
    assert res.n_pairs == 2 and res.df == 0 and np.isnan(res.ci_low)
    with pytest.raises(ValueError, match="same length"):
        w.stratified_change([0.1, 0.2], [1])


# ------------------------------------------------------ disclosure: hand-made leaking cases


def _people(sectors, cohorts):
    return pd.DataFrame({"participant_id": [f"p{i}" for i in range(len(sectors))], "cohort": cohorts,
                         "sector": sectors})


def _protect(people, published, masks=None):
    groups = where_groups(people, ["sector"], [])
    masks = masks or {"enrolled": np.ones(len(people), dtype=bool)}
    return protect_where(people, masks, groups, published, threshold=T, crossings=[])


def test_pooled_count_that_reveals_a_withheld_cohort_count_is_suppressed():
    # health: 6 in cohort 1 (published by its equity table), 3 in cohort 2 (withheld there).
    # Pooled 9 passes the threshold, but 9 − 6 = 3 would reveal cohort 2's withheld group.
    sectors = ["health"] * 6 + ["la"] * 20 + ["health"] * 3 + ["la"] * 20 + ["vol"] * 8
    cohorts = [1] * 26 + [2] * 31
    people = _people(sectors, cohorts)
    # Cohort 2 withheld its 8 voluntary-sector staff too (a complement of its own).
    published = {(1, "enrolled", "sector", "health"): True, (1, "enrolled", "sector", "la"): True,
                 (2, "enrolled", "sector", "la"): True}
    cells = _protect(people, published).cells.set_index(["quantity", "dimension", "category"])
    assert cells.loc[("enrolled", "sector", "health"), "withheld_by_cohorts"] == 3
    assert cells.loc[("enrolled", "sector", "health"), "flag"] == "secondary"
    # and it cannot be worked out from the total and the other sectors: a second one is hidden,
    # not local authority's 40, which both cohort reports publish in full (hiding it hides nothing)
    flags = cells.xs("enrolled")["flag"]
    assert (flags.drop((ALL, ALL)) != "").sum() >= 2
    assert flags[("sector", "la")] == "" and flags[("sector", "vol")] == "secondary"
    # With the 8 published by cohort 2 too, every other sector is known: 57 − 40 − 8 = 9 health
    # staff whatever the programme hides, so no choice of cells protects the 3; the places are
    # withheld for the whole dimension, with a warning (before, hiding the known 8 passed for protection).
    published[(2, "enrolled", "sector", "vol")] = True
    with pytest.warns(DisclosureRiskWarning, match="places in health sector"):
        cells = _protect(people, published).cells.set_index(["quantity", "dimension", "category"])
    assert set(cells.xs("enrolled")["flag"].drop((ALL, ALL))) == {"withheld"}


def test_pooled_count_is_published_when_the_cohorts_withheld_none_or_enough():
    sectors = ["health"] * 6 + ["la"] * 20 + ["health"] * 7 + ["la"] * 20 + ["vol"] * 9
    people = _people(sectors, [1] * 26 + [2] * 36)
    none_withheld = {(c, "enrolled", "sector", s): True for c in (1, 2) for s in ("health", "la", "vol")}
    cells = _protect(people, none_withheld).cells.set_index(["quantity", "dimension", "category"])
    assert cells.loc[("enrolled", "sector", "health"), "flag"] == ""
    enough_withheld = {(1, "enrolled", "sector", "la"): True, (2, "enrolled", "sector", "la"): True}
    cells = _protect(people, enough_withheld).cells.set_index(["quantity", "dimension", "category"])
    assert cells.loc[("enrolled", "sector", "health"), "withheld_by_cohorts"] == 13
    assert cells.loc[("enrolled", "sector", "health"), "flag"] == ""
    # a count of paired scores is withheld whenever the cohorts withheld any of it (a cohort withholds
    # five or more pairs only to protect the few without them: cohort 2's middle managers, 4 without),
    # and another one with it (the 9 voluntary-sector pairs that cohort 2 withheld): the pairs of local
    # authority staff, which both cohort reports publish, would protect nothing
    paired = np.ones(len(people), dtype=bool)
    paired[[0, 1, 26, 27, 28]] = False  # health staff without both scores: 2 in cohort 1, 3 in cohort 2
    masks = {"enrolled": np.ones(len(people), dtype=bool), "pairs:lc:pre_post:self": paired}
    both = {**enough_withheld, **{(c, "pairs:lc:pre_post:self", "sector", "la"): True for c in (1, 2)}}
    cells = _protect(people, both, masks).cells.set_index(["quantity", "dimension", "category"])
    assert cells.loc[("enrolled", "sector", "health"), "flag"] == ""
    assert cells.loc[("pairs:lc:pre_post:self", "sector", "health"), "withheld_by_cohorts"] == 8
    assert cells.loc[("pairs:lc:pre_post:self", "sector", "health"), "flag"] == "secondary"
    assert cells.loc[("pairs:lc:pre_post:self", "sector", "vol"), "flag"] == "secondary"
    assert cells.loc[("pairs:lc:pre_post:self", "sector", "la"), "flag"] == ""


def test_a_complement_that_would_reveal_a_withheld_count_hides_what_it_follows_from():
    # 30 health staff (all published by the cohorts), 27 completed: the 3 non-completers are a
    # complement; cohort 2 withheld its completers, so pooled non-completers minus cohort 1's
    # published non-completers would give cohort 2's 2 non-completers.
    sectors = ["health"] * 15 + ["la"] * 25 + ["health"] * 15 + ["la"] * 25
    cohorts = [1] * 40 + [2] * 40
    people = _people(sectors, cohorts)
    done = np.ones(len(people), dtype=bool)
    done[[0, 40, 41]] = False  # one health non-completer in cohort 1, two in cohort 2
    published = {(c, "enrolled", "sector", s): True for c in (1, 2) for s in ("health", "la")}
    published.update({(1, q, "sector", s): True for q in ("completed", "noncompleted") for s in ("health", "la")})
    published.update({(2, q, "sector", "la"): True for q in ("completed", "noncompleted")})
    res = _protect(people, published, {"enrolled": np.ones(len(people), dtype=bool), "completed": done})
    cells = res.cells.set_index(["quantity", "dimension", "category"])
    assert cells.loc[("noncompleted", "sector", "health"), "count"] == 3
    assert cells.loc[("completed", "sector", "health"), "flag"] != "" or \
        cells.loc[("enrolled", "sector", "health"), "flag"] != ""


def test_crossing_rows_cannot_reveal_a_hidden_margin_or_a_small_cell():
    # Role × sector: one role level has 3 people (hidden in the one-way rows); the crossing
    # must not show its cells, and the small crossing cell must not follow from the margins.
    rng = np.random.default_rng(3)
    roles = ["first"] * 40 + ["middle"] * 30 + ["senior"] * 3
    sectors = list(rng.choice(["la", "vol"], size=70)) + ["la", "la", "vol"]
    people = pd.DataFrame({"participant_id": [f"p{i}" for i in range(73)], "cohort": 1,
                           "role_level": roles, "sector": sectors})
    groups = where_groups(people, ["role_level", "sector"], [("role_level", "sector")])
    pairs = np.ones(73, dtype=bool)
    res = protect_where(people, {"enrolled": pairs, "pairs:s:pre_post:self": pairs}, groups, {}, threshold=T,
                        crossings=[("role_level", "sector")])
    cells = res.cells[res.cells["quantity"] == "pairs:s:pre_post:self"].reset_index(drop=True)
    assert cells.set_index(["dimension", "category"]).loc[("role_level", "senior"), "flag"] == "primary"
    # Reader: every published pairs cell (one-way, crossing, total) and their lines.
    index = {(d, c): k for k, (d, c) in enumerate(zip(cells["dimension"], cells["category"], strict=True))}
    known = [None if f else float(v) for f, v in zip(cells["flag"], cells["count"], strict=True)]
    lines = [(index[(ALL, ALL)], [index[k] for k in index if k[0] == "role_level"]),
             (index[(ALL, ALL)], [index[k] for k in index if k[0] == "sector"])]
    for r in ("first", "middle", "senior"):
        lines.append((index[("role_level", r)], [index[("role_level × sector", f"{r} × {s}")] for s in ("la", "vol")]))
    for s in ("la", "vol"):
        lines.append((index[("sector", s)], [index[("role_level × sector", f"{r} × {s}")] for r in
                                             ("first", "middle", "senior")]))
    lower = [0.0] * len(known)
    upper = [4.0 if f == "primary" else np.inf for f in cells["flag"]]
    low, high = count_intervals(known, lines, lower, upper)
    for k, f in enumerate(cells["flag"]):
        if f:
            assert high[k] - low[k] >= 1, cells.loc[k, "category"]


def test_a_crossing_rows_withheld_cells_together_are_not_a_small_group():
    # Framework area x: 30 first-line, 6 frontline, 2 senior and 2 other managers (pairs). The small
    # cells are withheld; were the 6 shown beside the row's published 40, senior and other would hold
    # 40 − 30 − 6 = 4 between them. So a third cell of the row is withheld as well.
    area = ["x"] * 40 + ["y"] * 40
    role = ["first"] * 30 + ["front"] * 6 + ["senior"] * 2 + ["other"] * 2 + ["first"] * 10 + ["front"] * 10 \
        + ["senior"] * 10 + ["other"] * 10
    people = pd.DataFrame({"participant_id": [f"p{i}" for i in range(80)], "cohort": 1,
                           "framework_area": area, "role_level": role})
    key = "pairs:s:pre_post:self"
    everyone = np.ones(80, dtype=bool)
    published = {(1, q, d, c): True for q in ("enrolled", key) for d, cats in
                 (("framework_area", "xy"), ("role_level", ("first", "front", "senior", "other"))) for c in cats}
    res = protect_where(people, {"enrolled": everyone, key: everyone},
                        where_groups(people, ["framework_area", "role_level"], [("framework_area", "role_level")]),
                        published, threshold=T, crossings=[("framework_area", "role_level")])
    crossing = "framework_area × role_level"
    assert res.flag(key, "framework_area", "x") == ""  # the row's total is published
    assert res.flag(key, crossing, "x × senior") == "primary" and res.flag(key, crossing, "x × other") == "primary"
    withheld = sum(n for c, n in [("x × first", 30), ("x × front", 6), ("x × senior", 2), ("x × other", 2)]
                   if res.flag(key, crossing, c))
    assert withheld >= T  # before: 4 (x × front shown)


def test_a_pooled_count_the_cohort_reports_give_in_full_protects_nothing():
    # Framework area 'x': 12 people in each of two cohorts, 9 of them with pairs; both cohort
    # reports publish the 9 (their breakdowns), neither publishes the 12 (not an equity dimension).
    # So a reader knows the pooled 18 pairs whatever the programme hides. Crossed with role level,
    # x × senior has 3 pairs (1 + 2): were the 15 of x × first-line published, 18 − 15 = 3.
    # Before: the pooled 18 was hidden (to protect the 6 without a pair, hidden because the cohorts
    # withheld them) and, hidden, counted as protecting the crossing's row; x × first-line was shown.
    area = (["x"] * 12 + ["y"] * 10 + ["z"] * 10) * 2
    role = (["first"] * 8 + ["senior"] + ["first"] * 23
            + ["first"] * 7 + ["senior"] * 2 + ["first"] * 23)
    pairs = np.array(([True] * 9 + [False] * 3 + [True] * 20) * 2)
    people = pd.DataFrame({"participant_id": [f"p{i}" for i in range(64)], "cohort": [1] * 32 + [2] * 32,
                           "framework_area": area, "role_level": role})
    key = "pairs:s:pre_post:self"
    published = {(c, key, "framework_area", "x"): True for c in (1, 2)}
    res = protect_where(people, {"enrolled": np.ones(64, dtype=bool), key: pairs},
                        where_groups(people, ["framework_area", "role_level"], [("framework_area", "role_level")]),
                        published, threshold=T, crossings=[("framework_area", "role_level")])
    assert res.known(key, "framework_area", "x") and not res.known(key, "framework_area", "y")
    assert res.flag(key, "framework_area", "x") == ""  # known anyway: shown, and never relied on
    assert res.flag("enrolled", "framework_area", "x") != ""  # 18 + the 6 without: hidden instead
    assert res.flag(key, "framework_area × role_level", "x × senior") == "primary"
    assert res.flag(key, "framework_area × role_level", "x × first") != ""


def test_places_the_equity_table_withholds_are_withheld_here_and_those_it_shows_are_not_suppressed():
    # The programme's equity_pooled.csv publishes the same pooled places by sector. Suppressed
    # independently, the two tables together gave a small group away (Leading to Deliver: 302
    # first-line, 16 frontline and 180 middle managers here, 12 senior managers there, of 514:
    # the 4 whose role level is "other"). Here health (9) is withheld there, local authority (40)
    # and voluntary (8) are shown there, private (3) is small.
    sectors = ["la"] * 20 + ["health"] * 5 + ["vol"] * 4 + ["private"] * 2
    people = _people(sectors * 2, [1] * 31 + [2] * 31)
    linked = {("sector", "la"): True, ("sector", "health"): False, ("sector", "vol"): True,
              ("sector", "private"): False}
    res = protect_where(people, {"enrolled": np.ones(len(people), dtype=bool)},
                        where_groups(people, ["sector"], []), {}, threshold=T, crossings=[], linked=linked)
    flags = res.cells.set_index(["quantity", "dimension", "category"])["flag"].xs("enrolled")
    assert flags[("sector", "private")] == "primary"
    assert flags[("sector", "health")] == "secondary"  # withheld there: withheld here, and enough to protect
    assert flags[("sector", "la")] == "" and flags[("sector", "vol")] == ""  # shown there: known, never hidden
    assert linked_places(pd.DataFrame({"dimension": ["sector", "gender"], "category": ["la", "male"],
                                       "participants": [40.0, np.nan]})) == {("sector", "la"): True}


# ------------------------------------------------------------- the shipped programmes


@pytest.fixture(scope="module")
def pilot():
    data = load_programme_data("collaborative-leadership")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return data, w.where_it_works(data)


def test_table_columns_rows_and_whole_programme_row(pilot):
    data, table = pilot
    assert table.columns.tolist() == w.WHERE_COLUMNS
    whole = table[(table["dimension"] == ALL) & (table["rater"] == "self")].iloc[0]
    assert whole["suppressed"] == "" and whole["participants"] == sum(len(c.participants) for c in data)
    assert set(table["verdict"]) <= {"", *w.VERDICTS}
    shown = table[table["suppressed"] == ""]
    assert (shown.loc[shown["dimension"] != ALL, "participants"].dropna() >= T).all()
    assert (shown["n_pairs"].dropna().pipe(lambda s: s[s > 0]) >= T).all()


def test_summary_with_one_cohort_says_nothing_is_pooled_and_is_escaped(pilot):
    data, table = pilot
    text = w.where_summary(data, table)
    assert "With one cohort" in text and "nothing is pooled" in text
    # the cohort by its name, "(cohort 1)", not a bare "(1)" a reader may take for a count or a note
    assert f"With one cohort (cohort {next(iter(data)).cohort.cohort}), nothing is pooled" in text
    assert "<" not in text
    # the whole programme's change with its interval, both signed and labelled as the page's other
    # intervals of a change are ("+0.34 points (95% CI +0.30 to +0.39)"), from the table's row
    whole = table[(table["dimension"] == "all") & (table["rater"] == "self")
                  & (table["scale"] == w.headline_populations(data)[0].scale)].iloc[0]
    ci = f"(95% CI {whole['change_ci_low']:+.2f} to {whole['change_ci_high']:+.2f})".replace("-", "\u2212")
    assert f"{whole['mean_change']:+.2f} points {ci}".replace("-", "\u2212") in text
    for f in w.where_findings(data, table):
        assert f.id.startswith("programme.where.") and f.table == "where_it_works"
        row = table[(table["scale"] + "." + table["rater"] + "." + table["dimension"] + "." + table["category"])
                    == f.id.removeprefix("programme.where.").removesuffix(".mean_change")]
        assert len(row) == 1 and row["mean_change"].iloc[0] == pytest.approx(f.value)


def test_cohort_published_matches_the_cohort_reports_own_tables():
    data = load_programme_data("leading-to-deliver")
    number = 2
    cohort = data[number]
    pop = f"pairs:{cohort.primary_scale}:{cohort.cohort.comparisons[0]}:self"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shown = cohort_published(data, ["enrolled", "completed", pop], w.DIMENSIONS)
        equity = equity_report.equity_tables(cohort).tables["equity"]
        breakdowns = outcome_report.outcome_tables(cohort)["breakdowns"]
    for r in equity[equity["dimension"].isin(w.DIMENSIONS)].itertuples():
        assert shown.get((number, "enrolled", r.dimension, r.category), False) == (not pd.isna(r.participants))
    rows = breakdowns[breakdowns["scale"] == cohort.primary_scale]
    for r in rows.itertuples():
        assert shown.get((number, pop, r.dimension, r.category), False) == (not pd.isna(r.n_pairs))


@pytest.mark.slow
def test_no_pooled_count_reveals_what_the_cohort_reports_withheld():
    # Independent of the plan: read the cohort reports' own published tables, subtract.
    data = load_programme_data("leading-to-deliver")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = w.where_it_works(data)
        per_cohort = [(c, equity_report.equity_tables(c).tables["equity"], outcome_report.outcome_tables(c)["breakdowns"])
                      for c in data]
    people = pd.concat([c.participants for c in data])
    rows = table[(table["rater"] == "self") & table["dimension"].isin(w.DIMENSIONS)]
    for r in rows.itertuples():
        members = people[people[r.dimension].astype(str) == r.category]
        if not pd.isna(r.participants):
            published = sum(float(e.loc[(e["dimension"] == r.dimension) & (e["category"] == r.category),
                                        "participants"].fillna(0).sum()) for _, e, _ in per_cohort)
            withheld = len(members) - published
            assert withheld == 0 or withheld >= T, (r.dimension, r.category, withheld)
        if not pd.isna(r.n_pairs):
            published = sum(float(b.loc[(b["dimension"] == r.dimension) & (b["category"] == r.category)
                                        & (b["scale"] == r.scale), "n_pairs"].fillna(0).sum())
                            for _, _, b in per_cohort)
            withheld = int(r.n_pairs) - published
            assert withheld == 0 or withheld >= T, (r.dimension, r.category, withheld)


def test_figure_draws_only_published_one_way_groups(pilot, png_with_matplotlibs_titles):
    from evaluation.viz.programme_where_plots import where_plot

    data, table = pilot
    panels = [(p.scale, p.rater) for p in w.headline_populations(data)]
    plot = where_plot(table, panels, confidence_level=data.confidence_level)
    # its titles are where matplotlib would place them (evaluation.viz.figure.PLACEMENT_RC)
    assert plot.png == png_with_matplotlibs_titles(lambda: where_plot(table, panels,
                                                                     confidence_level=data.confidence_level))
    assert len(plot.figure.axes) == len(panels)
    drawn = table[table["dimension"].isin(["all", *w.DIMENSIONS]) & table["mean_change"].notna()
                  & table["scale"].isin([s for s, _ in panels])]
    for r in drawn.itertuples():
        # negative numbers with the minus sign (U+2212), as the tables write them
        shown = f"{r.mean_change:+.2f} (95% CI {r.change_ci_low:+.2f} to {r.change_ci_high:+.2f})".replace("-", "\u2212")
        assert shown in plot.alt
    assert plot.alt.count("(95% CI") == len(drawn)
    # each group is named as the report's text and the equity report name it ("first-line manager",
    # "private sector"), not by its code with spaces ("first line manager", "private")
    from evaluation.reports.equity_report.tables import label

    for r in drawn[drawn["dimension"] != "all"].itertuples():
        words = label(r.category, r.dimension) + (" (area)" if r.dimension == "framework_area" else "")
        assert f"{words}: {r.mean_change:+.2f} (95% CI" in plot.alt
    # the pilot's groups are all too small to draw: add one, the private sector, as a copy of a drawn row
    private = drawn.iloc[[0]].assign(dimension="sector", category="private")
    renamed = pd.concat([table, private], ignore_index=True)
    assert "; private sector: " in where_plot(renamed, panels, confidence_level=data.confidence_level).alt


def test_summary_names_each_group_under_its_own_verdict_and_escapes_categories(pilot):
    data, table = pilot
    t = table.copy()
    pop = w.headline_populations(data)[0]
    mine = (t["scale"] == pop.scale) & (t["rater"] == pop.rater)
    setups = {("sector", "health"): ("no clear change", "no clear change"),
              ("role_level", "middle_manager"): ("clear improvement", "low completion"),
              ("sector", "voluntary"): ("clear decline", "clear decline")}
    for (dim, cat), (verdict, blocked) in setups.items():
        row = mine & (t["dimension"] == dim) & (t["category"] == cat)
        t.loc[row, ["verdict", "blocked", "suppressed"]] = [verdict, blocked, ""]
    row = mine & (t["dimension"] == "framework_area") & (t["category"] == "strategic")
    t.loc[row, ["category", "verdict", "blocked"]] = ["<b>x</b>", "clear improvement", ""]
    text = w.where_summary(data, t)
    part = text.split("**")[2]  # the first headline population's paragraph and its lists
    works = next(line for line in part.splitlines() if line.startswith("- Works"))
    assert "middle manager" in works and "health" not in works and "&lt;b&gt;x&lt;/b&gt;" in works
    assert "health" in next(line for line in part.splitlines() if "no clear change, in" in line)
    assert "voluntary" in next(line for line in part.splitlines() if "clear decline, in" in line)
    assert "<b>" not in text
    completion = text.split("Where completion is blocked.")[1].split("\n")[0]
    assert "middle manager" in completion and "health" not in completion


# ----------------------------------------------------------------- complements across the reports


def _complement_case(pooled_pairs_shown):
    # Two cohorts, group 'mm': cohort 1 has 20 people, 14 with a pair (both published by its
    # report); cohort 2 has 10 people (published), 7 with a pair (withheld). Pooled pairs 21:
    # 21 − 14 = 7 is not small, but 10 − 7 = 3 people of cohort 2 have no pair.
    people = pd.DataFrame({"cohort": [1] * 30 + [2] * 30, "role": ["mm"] * 20 + ["x"] * 10 + ["mm"] * 10 + ["x"] * 20})
    pairs = np.r_[np.arange(20) < 14, np.ones(10, dtype=bool), np.arange(10) < 7, np.ones(20, dtype=bool)]
    groups = where_groups(people, ["role"], [])
    quantities = with_complements({"enrolled": np.ones(60, dtype=bool), "pairs:s:pre_post:self": pairs})
    published = {(1, "enrolled", "role", "mm"): True, (1, "pairs:s:pre_post:self", "role", "mm"): True,
                 (2, "enrolled", "role", "mm"): True, (1, "enrolled", "role", "x"): True,
                 (2, "enrolled", "role", "x"): True}
    shown = {("enrolled", "role", "mm"), ("enrolled", "role", "x")}
    if pooled_pairs_shown:
        shown |= {("pairs:s:pre_post:self", "role", "mm"), ("pairs:s:pre_post:self", "role", "x")}
    return people, quantities, groups, shown, published


def test_a_complement_revealed_across_reports_is_found_and_only_then():
    people, quantities, groups, shown, published = _complement_case(True)
    leaks = where_leaks(people, quantities, groups, [], shown, published, threshold=T)
    # By hand: cohort 2's pairs = 21 − 14 = 7, its people without a pair = 10 − 7 = 3.
    assert ("2", "nopair:s:pre_post:self", "role", "mm", 3.0) in leaks
    people, quantities, groups, shown, published = _complement_case(False)
    assert where_leaks(people, quantities, groups, [], shown, published, threshold=T) == []


@pytest.mark.slow
def test_where_it_works_passes_the_cross_report_audit_with_the_cohort_reports_in_memory():
    # The cohort reports' own tables (as their pipeline builds them) and the programme's table,
    # read by the publish layer's reader (exact whole-number arithmetic, independent of where_attack).
    from evaluation.publish.programme_audit import audit_programme_tables

    data = load_programme_data("leading-to-deliver")
    names = {"equity": "equity", "council_areas": "equity_council_areas", "completion": "equity_completion",
             "outcome_change": "equity_outcome_change"}
    cohorts = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = w.where_it_works(data)
        for c in data:
            eq = equity_report.equity_tables(c).tables
            out = outcome_report.outcome_tables(c)
            cohorts[str(c.cohort.cohort)] = {**{names[k]: eq[k] for k in names if k in eq},
                                             **{k: out[k] for k in ("breakdowns", "attrition", "outcomes")}}
    audit = audit_programme_tables({"where_it_works": table}, cohorts, threshold=data.disclosure_threshold)
    assert audit.problems == ()
    # the published middle managers' self-rated pairs would give cohort 2's 4 middle managers without a pair
    row = table[(table["dimension"] == "role_level") & (table["category"] == "middle_manager")
                & (table["rater"] == "self")]
    assert row["n_pairs"].isna().all()


def test_the_note_of_numbers_withheld_for_a_whole_dimension_is_in_words_and_names_each_group_once():
    # The pilot cut to 6 participants published "nopair on Leading change ... in senior manager
    # (role level)", "notimproved on ...", "noncompleted in ..." and "senior manager (role level),
    # senior manager (role level) and senior manager (role level)" (one margin per crossing).
    import re

    from evaluation.reports.programme_report.where_words import lost_words

    pairs = "pairs:leading_change:pre_post:self"
    lost = ["noncompleted role_level=senior_manager", "nopair:leading_change:pre_post:self role_level=senior_manager",
            "notimproved:leading_change:pre_post:self role_level=senior_manager",
            *[f"{pairs} role_level=senior_manager"] * 3, f"{pairs} strategic × senior_manager"]
    words = lost_words(lost, {"leading_change": "Leading change"})
    assert not re.search(r"\b(noncompleted|nopair|notimproved|senior_manager)\b", words), words
    assert "people who did not complete in senior manager (role level)" in words
    assert "people without ratings at both waves on Leading change" in words
    assert "people with ratings at both waves who did not reliably improve on Leading change" in words
    assert words.count("senior manager (role level)") == 4  # once per quantity, not once per crossing
    assert "in senior manager (role level) and strategic × senior manager" in words


def test_a_panel_with_nothing_to_show_says_so_in_the_alt_text():
    # The pilot cut to 6 participants: 4 line managers' pairs, so no group (nor the whole programme)
    # has a change to draw; the alt text read "Leads change (observed), line managers' ratings: ."
    import numpy as np
    import pandas as pd

    from evaluation.viz.programme_where_plots import where_plot

    t = pd.DataFrame({"dimension": ["all", "all"], "category": "all", "scale": ["lc", "olc"],
                      "rater": ["self", "line_manager"], "mean_change": [0.3, np.nan],
                      "change_ci_low": [0.2, np.nan], "change_ci_high": [0.4, np.nan],
                      "verdict": ["clear improvement", ""]})
    alt = where_plot(t, [("lc", "self"), ("olc", "line_manager")], titles={"olc": "Leads change (observed)"}).alt
    assert ": ." not in alt and ": ;" not in alt
    assert alt.endswith("Leads change (observed), line managers' ratings: nothing shown (too few people, or "
                        "withheld to protect small groups).")
