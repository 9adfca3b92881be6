"""Equity of access pooled over a programme's cohorts (issue 12): statistics, disclosure, words."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from evaluation.core.errors import DemoKeyWarning
from evaluation.core.paths import PARAMS_DIR
from evaluation.data.programme import load_programme_data
from evaluation.reports.equity_report import EQUITY_COLUMNS, equity_tables
from evaluation.reports.programme_report import equity as pe
from evaluation.reports.programme_report import equity_text as pt
from evaluation.stats import equity as eq
from evaluation.stats.pooling import PoolingWarning


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """Both shipped programmes, synthesised and ingested; the pooled equity of each."""
    from evaluation.data.ingest import ingest
    from evaluation.data.synthetic import synthesise

    root = tmp_path_factory.mktemp("progequity")
    synthesise(root / "data", PARAMS_DIR)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("EVALUATION_ID_KEY", raising=False)
        mp.delenv("EVALUATION_ID_KEY_FILE", raising=False)
        for programme in ("leading-to-deliver", "collaborative-leadership"):
            with pytest.warns(DemoKeyWarning):
                ingest(programme, data_dir=root / "data", params_dir=PARAMS_DIR)
    ltd = load_programme_data("leading-to-deliver", data_dir=root / "data", params_dir=PARAMS_DIR)
    pilot = load_programme_data("collaborative-leadership", data_dir=root / "data", params_dir=PARAMS_DIR)
    with pytest.warns(PoolingWarning, match="one cohort"):
        pilot_result = pe.pooled_equity(pilot)
    return ltd, pe.pooled_equity(ltd), pilot, pilot_result


# ------------------------------------------------------------------------ Mantel–Haenszel


def test_mantel_haenszel_matches_r_metafor():
    a, n1, c, n0 = [12, 9, 15], [2400, 2500, 2450], [50, 61, 47], [7300, 7250, 7400]
    # R 4 / metafor 3.8-1:
    # r <- rma.mh(ai=c(12,9,15), bi=c(2400,2500,2450)-c(12,9,15), ci=c(50,61,47),
    #             di=c(7300,7250,7400)-c(50,61,47), measure="RR"); exp(c(r$beta, r$ci.lb, r$ci.ub))
    assert pe.mantel_haenszel_rr(a, n1, c, n0) == pytest.approx((0.6798630028, 0.4740125899, 0.9751084937), rel=1e-9)
    # the same with level=90
    assert pe.mantel_haenszel_rr(a, n1, c, n0, confidence_level=0.9) == pytest.approx(
        (0.6798630028, 0.5023102997, 0.9201756420), rel=1e-9)


def test_one_stratum_is_the_cohort_reports_katz_interval():
    got = pe.mantel_haenszel_rr([17], [3120], [67], [10750], confidence_level=0.9)
    want = eq.katz_ci(17, 3120, 67, 10750, confidence_level=0.9)
    assert got == pytest.approx(tuple(float(x) for x in want), rel=1e-12)


def test_mantel_haenszel_zero_places_and_empty_reference():
    rr, low, high = pe.mantel_haenszel_rr([0, 0], [500, 600], [40, 50], [9000, 9500])
    _, _, u = eq.katz_ci(0, 1100, 90, 18500)
    assert (rr, low) == (0.0, 0.0) and high == pytest.approx(float(u))
    assert all(np.isnan(pe.mantel_haenszel_rr([3], [500], [0], [9000])))


# ------------------------------------------------------------------------ disclosure


def _cells(rows):
    return pd.DataFrame(rows, columns=["cohort", "dimension", "category", "participants", "flag"])


def test_pooled_minus_published_must_not_reveal_a_small_withheld_count():
    # cohort 1 withheld 3 places in "x"; cohort 2 published 20. Pooled 23 is above the threshold, but
    # 23 - 20 = 3 would reveal cohort 1's withheld count: it must be suppressed.
    cells = _cells([(1, "d", "x", 3, "primary"), (1, "d", "y", 6, "secondary"), (1, "d", "z", 50, ""),
                    (2, "d", "x", 20, ""), (2, "d", "y", 30, ""), (2, "d", "z", 40, "")])
    out = pe.pooled_disclosure(cells, threshold=5).set_index("category")
    assert out.loc["x", "participants"] == 23 and out.loc["x", "withheld"] == 3
    assert out.loc["x", "flag"] != ""
    # and its partner too: otherwise pooled x = pooled total - pooled y - pooled z
    assert out.loc["y", "flag"] != "" and out.loc["z", "flag"] == ""


def test_a_single_withheld_secondary_cell_is_not_revealed_through_the_pool():
    # cohort 1 withheld a = 2 (primary) and b = 7 (secondary, to protect a). The sum withheld for b is 7,
    # at least the threshold, yet publishing pooled b would give cohort 1's b = 17 - 10 = 7 and then its
    # a = 49 - 7 - 40 = 2: the pooled b must be suppressed as well.
    cells = _cells([(1, "d", "a", 2, "primary"), (1, "d", "b", 7, "secondary"), (1, "d", "c", 40, ""),
                    (2, "d", "a", 10, ""), (2, "d", "b", 10, ""), (2, "d", "c", 30, "")])
    out = pe.pooled_disclosure(cells, threshold=5).set_index("category")
    assert out.loc["a", "flag"] != "" and out.loc["b", "flag"] != ""
    assert out.loc["c", "flag"] == ""


def test_withheld_counts_summing_to_the_threshold_or_more_may_be_published():
    # two cohorts each withheld 3 of "x" (6 in all: not a small count) and their partner "y"; the pooled
    # x = 30 minus the published 24 gives only the sum 6 >= 5, and neither cohort's own cell follows.
    cells = _cells([(1, "d", "x", 3, "primary"), (1, "d", "y", 5, "secondary"), (1, "d", "z", 50, ""),
                    (2, "d", "x", 3, "primary"), (2, "d", "y", 6, "secondary"), (2, "d", "z", 40, ""),
                    (3, "d", "x", 24, ""), (3, "d", "y", 20, ""), (3, "d", "z", 33, "")])
    out = pe.pooled_disclosure(cells, threshold=5).set_index("category")
    assert out.loc["x", "withheld"] == 6 and out.loc["x", "flag"] == ""


def test_nothing_withheld_and_no_small_counts_suppresses_nothing():
    cells = _cells([(1, "d", "x", 10, ""), (1, "d", "y", 0, ""), (2, "d", "x", 12, ""), (2, "d", "y", 7, "")])
    out = pe.pooled_disclosure(cells, threshold=5)
    assert (out["flag"] == "").all()


def test_shipped_pooled_counts_reveal_nothing_the_cohort_reports_withhold(shipped):
    ltd, result, _, _ = shipped
    table = result.tables["equity_pooled"]
    threshold = ltd.disclosure_threshold
    published = pd.concat([equity_tables(c).tables["equity"][["dimension", "category", "participants"]] for c in ltd])
    shown = published.groupby(["dimension", "category"])["participants"].sum(min_count=1).fillna(0)
    for r in table[table["suppressed"] == ""].itertuples():
        gap = int(r.participants) - int(shown.get((r.dimension, r.category), 0))
        assert gap == 0 or gap >= threshold, (r.dimension, r.category, gap)
    assert ((table["participants"].isna()) == (table["suppressed"] != "")).all()
    assert table.loc[table["suppressed"] != "", ["rate_per_1000", "relative_likelihood"]].isna().all().all()
    assert (table.loc[table["participants"].notna(), "participants"].pipe(lambda s: (s == 0) | (s >= threshold))).all()


# ------------------------------------------------------------------------ the table


def test_columns_sums_and_band_rule(shipped):
    ltd, result, _, _ = shipped
    table = result.tables["equity_pooled"]
    assert list(table.columns[:len(EQUITY_COLUMNS)]) == EQUITY_COLUMNS
    assert {"benchmark", "n_cohorts"} <= set(table.columns) and (table["n_cohorts"] == 5).all()
    cells = pe.cohort_cells(ltd, ["sector"])
    la = cells[cells["category"] == "local_authority"]
    row = table[(table["dimension"] == "sector") & (table["category"] == "local_authority")].iloc[0]
    assert row["participants"] == la["participants"].sum() and row["eligible"] == la["eligible"].sum()
    assert row["rate_per_1000"] == pytest.approx(1000 * la["participants"].sum() / la["eligible"].sum())
    rows = table[table["rl_ci_low"].notna()]
    bands = eq.classify_band(rows["relative_likelihood"], rows["rl_ci_low"], rows["rl_ci_high"], result.band)
    assert list(rows["band"]) == list(bands)
    national = table[table["benchmark"] == "national_bodies"]
    assert national["relative_likelihood"].isna().all()
    outside = table[table["benchmark"] == "outside_eligible_population"]
    assert (outside["eligible"] == 0).all() and outside["rate_per_1000"].isna().all()


def test_one_cohort_reproduces_its_own_equity_table(shipped):
    _, _, pilot, result = shipped
    own = equity_tables(next(iter(pilot))).tables["equity"].set_index(["dimension", "category"])
    pooled = result.tables["equity_pooled"].set_index(["dimension", "category"]).loc[own.index]
    for column in ("participants", "eligible", "rate_per_1000", "share_participants", "representation_index",
                   "relative_likelihood", "rl_ci_low", "rl_ci_high"):
        pd.testing.assert_series_equal(pooled[column].astype("float64"), own[column].astype("float64"),
                                       check_names=False, rtol=1e-12)
    assert list(pooled["band"]) == list(own["band"]) and list(pooled["suppressed"] != "") == list(own["suppressed"] != "")
    text = pt.equity_summary_markdown(result, pilot)
    assert "one cohort with data, so nothing is pooled" in text


def test_a_replaced_reference_group_says_whether_it_is_withheld_or_empty():
    # the note said "is withheld or has no participants" when the workbench knew which
    from evaluation.reports.equity_report.tables import _choose_reference

    rows = pd.DataFrame({"dimension": "gender", "category": ["female", "male", "other", "not_declared"],
                         "eligible": [800, 200, 40, 0], "participants": [60, 30, 6, 3]})
    notes: list[dict] = []
    assert _choose_reference(rows, ["secondary", "", "", "primary"], None, "gender", notes) == "male"
    assert "the reference group 'female' is withheld, so relative likelihoods are against 'male'" in notes[-1]["message"]
    empty = rows.assign(participants=[0, 30, 6, 3])
    assert _choose_reference(empty, ["", "", "", "primary"], None, "gender", notes) == "male"
    assert "the reference group 'female' has no participants, so" in notes[-1]["message"]
    # nothing left to compare with 'male' (its note once said relative likelihoods were against it)
    assert _choose_reference(rows, ["secondary", "", "secondary", "primary"], None, "gender", notes) is None
    assert notes[-1] == {"source": "equity", "warning": "ReferenceWithheld", "message": (
        "By gender: the reference group 'female' and every other group but 'male' are withheld, so no relative "
        "likelihood can be shown")}
    assert _choose_reference(empty, ["", "", "secondary", "primary"], None, "gender", notes) == "male"
    assert notes[-1]["message"].startswith("By gender: the reference group 'female' has no participants, so")


def test_summary_and_findings(shipped):
    ltd, result, _, _ = shipped
    table = result.tables["equity_pooled"]
    text = pt.equity_summary_markdown(result, ltd)
    assert "places per 1,000 eligible staff-years" in text and "Mantel–Haenszel" in text
    for r in table[table["band"] == "disparity"].itertuples():
        assert f"{r.relative_likelihood:.2f} times the chance" in text
    # the note on a replaced reference group is in plain words, as the rest of the summary, and is said
    # only where something is compared with the new reference: it read "relative likelihoods are
    # against 'male' instead" when every other gender group was withheld, so none was shown
    replaced = ("By gender: the reference group 'female' is withheld, so relative likelihoods "
                "are against 'male' (the largest published group) instead")
    gender = table[(table["dimension"] == "gender") & (table["category"] != "male")
                   & table["relative_likelihood"].notna() & (table["suppressed"] == "")]
    assert (replaced in text) == (len(gender) > 0)
    assert ("gender" in pt.uncompared(table)) == (len(gender) == 0)
    none = pt.no_comparison_words(table)
    assert (none in text) and ("gender" in none) == (len(gender) == 0)
    assert "dimension '" not in text
    assert "(s)" not in text and "other groups the result is inconclusive" in text  # plurals in words
    findings = pt.equity_findings(ltd, result)
    assert findings and all(f.id.startswith("programme.equity.") and f.table == "equity_pooled" for f in findings)
    published = table[(table["suppressed"] == "") & table["relative_likelihood"].notna()
                      & (table["category"] != table["reference_category"])]
    assert len(findings) == len(published)
    statements = {f.id: f.statement for f in findings}
    # a group of people who did not declare is named as a group ("prefer not to say staff" is not English)
    # (the ratio itself depends on which cohorts' cells the disclosure plans withhold: not asserted here)
    assert re.match(r"Pooled over 5 cohorts, by ethnicity: staff recorded as 'prefer not to say' were \d+\.\d\d times "
                    "as likely as ", statements["programme.equity.ethnicity.prefer_not_to_say.relative_likelihood"])
    assert "by sector: private sector staff were 0.25 times as likely as local authority staff" in \
        statements["programme.equity.sector.private.relative_likelihood"]



def test_summary_escapes_text_from_the_data(shipped):
    import dataclasses

    ltd, result, _, _ = shipped
    table = result.tables["equity_pooled"].copy()
    row = table.index[table["band"] == "disparity"][0]
    table.loc[row, "category"] = "<img src=x onerror=alert(1)>"
    hostile = dataclasses.replace(result, tables={"equity_pooled": table})
    text = pt.equity_summary_markdown(hostile, ltd)
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_a_characteristic_with_nothing_compared_is_said_so_without_sizes(shipped):
    # The pilot has no relative likelihood by gender, ethnicity or role level (their groups withheld)
    # and its summary did not say so; Leading to Deliver's said relative likelihoods by gender were
    # "against 'male' instead" with no other gender group shown.
    for data, result in (shipped[:2], shipped[2:]):
        table = result.tables["equity_pooled"]
        text = pt.equity_summary_markdown(result, data)
        for dimension in dict.fromkeys(table["dimension"]):
            rows = table[(table["dimension"] == dimension) & (table["category"] != table["reference_category"])
                         & table["relative_likelihood"].notna() & (table["suppressed"] == "")
                         & (table["benchmark"] == "eligible_population")]
            assert (dimension in pt.uncompared(table)) == rows.empty, dimension
        if pt.uncompared(table):
            line = next(line for line in text.splitlines() if re.search("no (pooled )?comparison can be shown", line))
            assert not re.search(r"\d", line)  # no group's size
    pilot_table = shipped[3].tables["equity_pooled"]
    assert {"gender", "ethnicity", "role_level"} <= set(pt.uncompared(pilot_table))


def test_no_comparison_words_give_each_reason():
    t = pd.DataFrame({"dimension": ["gender", "gender", "age_band", "age_band"],
                      "category": ["female", "male", "16_24", "not_recorded"],
                      "reference_category": ["female", "female", "16_24", "16_24"],
                      "relative_likelihood": [1.0, float("nan"), 1.0, float("nan")],
                      "suppressed": ["", "withheld", "", ""],
                      "benchmark": ["eligible_population", "eligible_population", "eligible_population",
                                    "no_workforce_figure"]})
    assert pt.no_comparison_words(t) == (
        "By gender, no comparison can be shown: the groups a comparison needs are withheld (too few people in them, "
        "or their numbers would let a small group be worked out). By age band, no comparison can be shown: no group "
        "besides the reference group has a workforce figure in the eligible population to be compared with.")


def test_a_benchmarked_group_without_a_comparison_is_not_called_not_benchmarked(shipped):
    # The pilot's ethnicity chart read "White other: not benchmarked; ..." for groups counted against
    # their eligible headcount (0 places) that lack a relative likelihood only because no reference
    # group can be shown.
    from evaluation.viz.programme_trend_plots import pooled_equity_chart

    for result in (shipped[1], shipped[3]):
        table = result.tables["equity_pooled"]
        for dimension in dict.fromkeys(table["dimension"]):
            alt = pooled_equity_chart(table, dimension=dimension).alt
            rows = table[(table["dimension"] == dimension) & (table["suppressed"] == "")
                         & table["relative_likelihood"].isna() & (table["benchmark"] == "eligible_population")]
            for r in rows.itertuples():
                said = re.search(rf"{re.escape(r.category.replace('_', ' '))}: ([^;.]+)", alt, re.IGNORECASE)
                assert said and "not benchmarked" not in said.group(1), (dimension, r.category, alt)
                assert "no comparison" in alt
    pilot = shipped[3].tables["equity_pooled"]
    alt = pooled_equity_chart(pilot, dimension="ethnicity").alt
    if ((pilot["dimension"] == "ethnicity") & (pilot["category"] == "white_other") & (pilot["participants"] == 0)
            & pilot["relative_likelihood"].isna()).any():
        assert "White other: 0 places; no comparison (" in alt


def test_groups_with_no_places_are_said_to_have_none_not_just_inconclusive(shipped):
    # The pilot's summary read "For 24 other groups the result is inconclusive" when all 24 had none
    # of its 29 places.
    for data, result in (shipped[:2], shipped[2:]):
        table = result.tables["equity_pooled"]
        text = pt.equity_summary_markdown(result, data)
        inconclusive = table[table["band"] == "inconclusive"]
        empty = int((inconclusive["participants"] == 0).sum())
        if empty:
            # it read "24 groups had no places; with 29 places in all, that cannot show a disparity: the 95% interval
            # of each still includes 1, the reference group's chance": 9 more groups had none (not compared); the
            # reason is that few places were expected in each group, and 1 is the same chance as the reference's
            assert (f"{empty} of the groups compared had no places; so few places were expected in "
                    f"{'it' if empty == 1 else 'them'} that this cannot show a disparity") in text
            assert "1 (the same chance as the reference group)" in text
            assert "places in all" not in text and "the reference group's chance" not in text
        bare = int(((table["participants"] == 0) & table["relative_likelihood"].isna() & (table["suppressed"] == "")).sum())
        assert (f"{bare} other group{'s' if bare != 1 else ''} had no places but cannot be compared" in text) == (bare > 0)
        other = len(inconclusive) - empty
        assert (f"For {other} other group" in text) == (other > 0)
    pilot = shipped[3].tables["equity_pooled"]
    assert ((pilot["participants"] == 0) & pilot["relative_likelihood"].isna()).any()  # the pilot has such groups


def test_a_pooled_comparison_withheld_points_to_the_cohort_reports():
    # Leading to Deliver's page read "By role level and gender, no comparison can be shown" while its cohort
    # reports show such comparisons (cohort 5: middle managers 1.92 times as likely as first-line managers)
    t = pd.DataFrame({"dimension": ["gender", "gender"], "category": ["female", "male"],
                      "reference_category": ["female", "female"], "relative_likelihood": [1.0, float("nan")],
                      "suppressed": ["", "withheld"], "benchmark": "eligible_population", "n_cohorts": [5, 5]})
    assert pt.no_comparison_words(t) == (
        "By gender, no pooled comparison can be shown: the groups a comparison needs are withheld (too few people in "
        "them, or their numbers would let a small group be worked out); the cohort reports show those comparisons "
        "they can.")
    # one cohort: nothing is pooled, and its own report withholds the same groups
    assert "no comparison can be shown" in pt.no_comparison_words(t.assign(n_cohorts=1))
    assert "cohort reports" not in pt.no_comparison_words(t.assign(n_cohorts=1))
