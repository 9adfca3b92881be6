"""Comparison groups end to end: the participants.csv marker, exclusion, the table, the label.

The statistics themselves (DiD, d_ppc2) are tested against hand-worked and published values in
tests/test_comparison_group.py; here: that the marker is read and checked, that comparison
members enter no table about participants, that ``comparison_group.csv`` holds what those
functions (and an independent Welch t) give on the same pairs, and that the design label
rises to Maryland level 3 only with a published comparison.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import run_cli
from evaluation.core.errors import DataValidationError
from evaluation.core.paths import DATA_DIR, PARAMS_DIR
from evaluation.core.processed_files import read_processed
from evaluation.data.cohort import load_cohort_data
from evaluation.data.ingest import ingest
from evaluation.data.pseudonymise import Key
from evaluation.reports import comparison_group as cg
from evaluation.reports import outcome_report
from evaluation.stats.outcomes import comparison_group_change

KEY = Key(b"comparison-group-test-key-0123456789", "test key")
PROGRAMME = "leading-to-deliver"

# --------------------------------------------------------------------------- the marker (demo programme)


def _add_group(demo, groups: dict[str, str], extra_rows: str = "", extra_answers: str = "") -> None:
    """Give the demo's participants.csv a `group` column (``groups``: id → cell) and extra rows."""
    lines = demo["participants"].read_text().splitlines()
    out = [lines[0] + ",group"] + [f"{line},{groups.get(line.split(',')[0], '')}" for line in lines[1:]]
    demo["participants"].write_text("\n".join(out) + "\n" + extra_rows)
    if extra_answers:
        demo["responses"].write_text(demo["responses"].read_text() + extra_answers)


def _answers(pid: str, shift: int = 0) -> str:
    rows = []
    for wave, add in (("pre", 0), ("post", shift)):
        for item, v in zip(("a1", "a2", "a3", "a4"), (3, 3, 4, 2), strict=True):
            value = min(5, v + add) if item != "a4" else max(1, v - add)
            rows.append(f"{pid},{wave},self,mini,{item},{value},2005-06-02")
    return "\n".join(rows) + "\n"


COMPARISON_ROW = "C-001,1,local_authority,fife,middle_manager,operational,female,2005-06-01,,,comparison\n"


def _ingest(demo):
    return ingest("demo", data_dir=demo["data"], params_dir=demo["params"], key=KEY)


def test_a_comparison_member_is_ingested_and_kept_apart(demo):
    _add_group(demo, {"D-001": "programme"}, COMPARISON_ROW, _answers("C-001"))
    _ingest(demo)
    processed = read_processed(demo["data"] / "processed" / "demo")
    assert processed["participants"]["group"].tolist().count("comparison") == 1
    assert set(processed["participants"]["group"]) == {"programme", "comparison"}  # a blank cell is programme
    data = load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    assert len(data.participants) == 3 and len(data.all_participants) == 3
    assert "group" not in data.participants.columns
    assert len(data.comparison_participants) == 1 and data.comparison_participants["status"].isna().all()
    comparison_id = data.comparison_participants["participant_id"].iloc[0]
    assert comparison_id not in set(data.scale_scores["participant_id"])
    assert comparison_id not in set(data.responses["participant_id"])
    assert set(data.comparison_scores["participant_id"]) == {comparison_id}
    # reliability is the programme's: the comparison member's answers are not in its n
    pre = data.reliability[(data.reliability["wave"] == "pre") & (data.reliability["rater"] == "self")]
    assert pre["n"].tolist() == [3]


def test_a_group_column_without_a_comparison_member_changes_no_processed_file(demo, tmp_path):
    _ingest(demo)
    before = json.loads((demo["data"] / "processed" / "demo" / "manifest.json").read_text())["outputs"]
    _add_group(demo, {"D-001": "programme", "D-002": ""})
    _ingest(demo)
    after = json.loads((demo["data"] / "processed" / "demo" / "manifest.json").read_text())["outputs"]
    assert after == before


@pytest.mark.parametrize("groups, extra, column, rule, rows, values", [
    ({"D-002": "Comparison"}, "", "group", "one of: programme, comparison", (3,), ("Comparison",)),
    ({"D-002": "control"}, "", "group", "one of: programme, comparison", (3,), ("control",)),
    ({}, COMPARISON_ROW.replace(",,,comparison", ",completed,,comparison"), "status",
     "blank for a member of the comparison group", (5,), ("completed",)),
    ({}, COMPARISON_ROW.replace(",,,comparison", ",,3,comparison"), "sessions_attended",
     "blank or 0 for a member of the comparison group", (5,), ("3",)),
])
def test_a_bad_marker_names_file_row_column_and_rule(demo, groups, extra, column, rule, rows, values):
    _add_group(demo, groups, extra)
    with pytest.raises(DataValidationError) as info:
        _ingest(demo)
    found = [f for f in info.value.failures if f.column == column]
    assert len(found) == 1, str(info.value)
    assert found[0].file.endswith("participants.csv") and rule in found[0].rule
    assert found[0].rows == rows and found[0].values == values


def test_a_comparison_member_blank_status_and_zero_sessions_are_accepted(demo):
    _add_group(demo, {}, COMPARISON_ROW.replace(",,,comparison", ",,0,comparison"), _answers("C-001"))
    _ingest(demo)  # no error


def test_a_comparison_group_needs_a_cohort_with_programme_participants(demo):
    (demo["params"] / "demo" / "cohort-2.yaml").write_text(demo["cohort"].read_text().replace("cohort: 1", "cohort: 2"))
    _add_group(demo, {}, COMPARISON_ROW.replace("C-001,1,", "C-001,2,"))
    with pytest.raises(DataValidationError) as info:
        _ingest(demo)
    found = [f for f in info.value.failures if f.column == "cohort"]
    assert len(found) == 1 and found[0].rows == (5,) and "cohort of the programme they are compared with" in \
        found[0].rule, str(info.value)


def test_a_programme_row_still_needs_a_status(demo):
    # the blank status allowed for comparison members is not allowed for participants
    _add_group(demo, {"D-002": "programme"}, COMPARISON_ROW)
    lines = demo["participants"].read_text().splitlines()
    lines[2] = lines[2].replace(",completed,", ",,")
    demo["participants"].write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError) as info:
        _ingest(demo)
    found = [f for f in info.value.failures if f.column == "status"]
    assert len(found) == 1 and found[0].rows == (3,) and "this column is required" in found[0].rule


# --------------------------------------------------------------------------- the shipped cohort 3


def _strip(data_dir) -> None:
    """Remove the comparison group from synthetic raw data: its rows, its answers and the column."""
    raw = data_dir / "raw" / PROGRAMME
    lines = (raw / "participants.csv").read_text().splitlines()
    assert lines[0].endswith(",group")
    ids = {line.split(",")[0] for line in lines[1:] if line.endswith(",comparison")}
    kept = [lines[0].removesuffix(",group")] + [line.removesuffix(",programme") for line in lines[1:]
                                                 if not line.endswith(",comparison")]
    (raw / "participants.csv").write_text("\n".join(kept) + "\n")
    answers = (raw / "responses.csv").read_text().splitlines()
    (raw / "responses.csv").write_text("\n".join(a for a in answers if a.split(",")[0] not in ids) + "\n")


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory):
    """Cohort 3 of the shipped synthetic data with its comparison group, and the same data without it.

    The shipped raw data are what ``synthesise`` writes (tests/test_synthetic.py), so they are copied.
    """
    with_dir = tmp_path_factory.mktemp("with") / "data"
    shutil.copytree(DATA_DIR / "raw", with_dir / "raw")
    without_dir = tmp_path_factory.mktemp("without") / "data"
    shutil.copytree(with_dir, without_dir)
    _strip(without_dir)
    out = {}
    for name, folder in (("with", with_dir), ("without", without_dir)):
        for programme in (PROGRAMME, "collaborative-leadership"):
            ingest(programme, data_dir=folder, params_dir=PARAMS_DIR, key=KEY)
        out[name] = load_cohort_data(PROGRAMME, 3, data_dir=folder, params_dir=PARAMS_DIR)
    return out, with_dir, without_dir


def test_the_shipped_comparison_group_is_cohort_3_only(cohorts):
    (data, _, with_dir) = cohorts[0]["with"], None, cohorts[1]
    people = pd.read_csv(with_dir / "raw" / PROGRAMME / "participants.csv", dtype=str, keep_default_na=False)
    comparison = people[people["group"] == "comparison"]
    assert set(comparison["cohort"]) == {"3"} and len(comparison) == len(data.comparison_participants) >= 50
    assert (comparison["status"] == "").all() and (comparison["sessions_attended"] == "").all()
    assert set(people["group"]) == {"programme", "comparison"}
    for cohort in (1, 2, 4, 5):
        assert not load_cohort_data(PROGRAMME, cohort, data_dir=with_dir, params_dir=PARAMS_DIR).has_comparison_group


def test_the_comparison_group_changes_nothing_about_participants(cohorts):
    # the chokepoint: every table about participants is built from these frames
    both = cohorts[0]
    for name in ("participants", "responses", "scale_scores", "reliability", "all_participants", "costs"):
        pd.testing.assert_frame_equal(getattr(both["with"], name), getattr(both["without"], name), obj=name)
    assert both["with"].has_comparison_group and not both["without"].has_comparison_group
    assert both["with"].describe() == both["without"].describe()


def _wide(scores: pd.DataFrame, scale: str, rater: str, earlier: str, later: str) -> pd.DataFrame:
    rows = scores[(scores["scale"] == scale) & (scores["rater"] == rater)]
    return rows.pivot_table(index="participant_id", columns="wave", values="score")[[earlier, later]].dropna()


def test_the_table_holds_the_statistics_of_the_same_pairs(cohorts):
    data = cohorts[0]["with"]
    table = cg.comparison_group_table(data)
    assert list(table.columns) == list(cg.COMPARISON_GROUP_TABLE_COLUMNS)
    assert set(table["comparison"]) == {"pre_post", "pre_follow_up"}  # no then-test for the comparison group
    assert set(table["rater"]) == {"self", "line_manager"} and (table["kirkpatrick_level"] >= 2).all()
    published = table[table["suppressed"] == ""]
    assert len(published) == len(table) > 0
    outcomes, _ = outcome_report.outcomes(data, resamples=100)
    for r in published.itertuples():
        earlier, later = r.comparison.split("_", 1)
        t, c = (_wide(scores, r.scale, r.rater, earlier, later) for scores in (data.scale_scores,
                                                                               data.comparison_scores))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = comparison_group_change(t[earlier], t[later], c[earlier], c[later], confidence_level=0.95)
        assert (r.n_programme, r.n_comparison) == (len(t), len(c))
        for column, value in (("did", res.did), ("did_ci_low", res.did_ci_low), ("did_ci_high", res.did_ci_high),
                              ("d_ppc2", res.d_ppc2), ("d_ppc2_ci_low", res.d_ppc2_ci_low),
                              ("d_ppc2_ci_high", res.d_ppc2_ci_high)):
            assert getattr(r, column) == pytest.approx(value, rel=1e-12, abs=1e-12), column
        # independent reference: scipy's Welch t on the change scores,
        # stats.ttest_ind(chg_T, chg_C, equal_var=False).confidence_interval(0.95)
        welch = stats.ttest_ind(t[later] - t[earlier], c[later] - c[earlier], equal_var=False)
        ci = welch.confidence_interval(0.95)
        assert (r.did_ci_low, r.did_ci_high, r.did_p_value) == pytest.approx((ci.low, ci.high, welch.pvalue), rel=1e-9)
        # the programme side is the outcomes table's row
        row = outcomes[(outcomes["scale"] == r.scale) & (outcomes["comparison"] == r.comparison)
                       & (outcomes["rater"] == r.rater)].iloc[0]
        assert r.n_programme == row["n_pairs"] and r.mean_change_programme == pytest.approx(row["mean_change"])
    # the synthetic comparison group changes less than the participants on the primary scale
    primary = published[(published["scale"] == data.primary_scale) & (published["comparison"] == "pre_post")
                        & (published["rater"] == "self")].iloc[0]
    assert primary["mean_change_comparison"] < primary["mean_change_programme"] and primary["did"] > 0


def _holm(p: pd.Series) -> pd.Series:
    """Holm (1979) by its definition, written out: p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)),
    over the non-missing p (R: ``p.adjust(p, "holm")``)."""
    present = p.dropna().sort_values(kind="stable")
    m = len(present)
    steps = [min(1.0, (m - j) * v) for j, v in enumerate(present)]
    adjusted = pd.Series(np.maximum.accumulate(steps) if m else [], index=present.index, dtype=float)
    return adjusted.reindex(p.index)


def test_the_difference_in_change_is_adjusted_for_several_scales_as_the_outcomes_are(cohorts):
    data = cohorts[0]["with"]
    table = cg.comparison_group_table(data)
    outcomes, _ = outcome_report.outcomes(data, resamples=100)
    assert data.cohort.multiplicity == "holm"
    for (comparison, rater), family in table.groupby(["comparison", "rater"]):
        # the same family as the outcomes' p_adjusted: every scale of one comparison and one rater
        same = outcomes[(outcomes["comparison"] == comparison) & (outcomes["rater"] == rater)]
        assert set(family["scale"]) == set(same["scale"]), (comparison, rater)
        assert family["did_p_adjusted"].to_numpy() == pytest.approx(_holm(family["did_p_value"]).to_numpy(),
                                                                   rel=1e-12)
    primary = table.query("scale == @data.primary_scale and comparison == 'pre_post' and rater == 'self'").iloc[0]
    # cohort 3's Leading change: clear on its own (interval above 0), not after adjusting for 6 scales
    assert primary["did_ci_low"] > 0 and primary["did_p_value"] < 0.05 <= primary["did_p_adjusted"]


def test_a_difference_clear_only_before_adjusting_is_not_called_clear(cohorts):
    data = cohorts[0]["with"]
    rows = []
    for i, scale in enumerate([data.primary_scale, "vision_direction", "partnership_working"]):
        rows.append({"scale": scale, "comparison": "pre_post", "rater": "self", "n_programme": 80,
                     "n_comparison": 50 + i, "mean_change_programme": 0.31, "mean_change_comparison": 0.10,
                     "did": 0.21, "did_ci_low": 0.04, "did_ci_high": 0.39, "did_p_value": 0.02,
                     "did_p_adjusted": 0.06, "suppressed": ""})
    text = " ".join(cg.comparison_group_paragraph({"comparison_group": pd.DataFrame(rows)}, data, data.titles))
    assert "clearly greater" not in text
    assert ("would count as clear if it were the only scale tested, but not after adjusting for testing 3 scales "
            "at once, so it is not counted as a clear difference") in text
    rows[0]["did_p_adjusted"] = 0.03
    text = " ".join(cg.comparison_group_paragraph({"comparison_group": pd.DataFrame(rows)}, data, data.titles))
    assert "so participants' change was clearly greater than the comparison group's" in text
    assert "50 of them have scores on Leading change" in text and "(from 50 to 52 across" in text
    # both groups fell, participants less: "participants' scores rose clearly more" was said of any such row
    rows[0] |= {"mean_change_programme": -0.05, "mean_change_comparison": -0.30, "did": 0.25, "did_ci_low": 0.08,
                "did_ci_high": 0.42}
    text = " ".join(cg.comparison_group_paragraph({"comparison_group": pd.DataFrame(rows)}, data, data.titles))
    assert "fell by 0.05 points" in text and "fell by 0.30 points" in text
    assert "so participants' change was clearly greater than the comparison group's" in text and " rose " not in text


def test_another_scale_clear_after_adjusting_is_named_and_the_finding_carries_its_verdict(cohorts):
    # cohort 3: only Leading change was reported ("not counted as a clear difference"), though Vision and
    # direction (self, pre_post) is +0.25 (0.07 to 0.44), adjusted p 0.040: clear by the page's rule
    data = cohorts[0]["with"]
    table = cg.comparison_group_table(data)
    text = " ".join(cg.comparison_group_paragraph({"comparison_group": table}, data, data.titles))
    primary = (table["scale"] == data.primary_scale) & (table["rater"] == "self") & (table["comparison"] == "pre_post")
    others = table[~primary & (table["suppressed"] == "")]
    clear = others[others["did_p_adjusted"] < 0.05]
    assert len(clear) and "vision_direction" in set(clear["scale"])
    assert "Elsewhere in the comparison-group table, after adjusting for testing several scales at once" in text
    tail = text.split("Elsewhere")[1]
    for r in clear.itertuples():
        assert (f"{data.titles[r.scale]} (participants' own ratings, from before the programme to the end of the "
                f"programme: a difference of {r.did:+.2f} points, 95% confidence interval {r.did_ci_low:+.2f} to "
                f"{r.did_ci_high:+.2f})") in tail
    for scale in set(others["scale"]) - set(clear["scale"]):
        assert data.titles[scale] not in tail, scale
    # no other clear row: nothing is added
    calm = table.assign(did_p_adjusted=np.where(primary, table["did_p_adjusted"], 0.5))
    assert "Elsewhere" not in " ".join(cg.comparison_group_paragraph({"comparison_group": calm}, data, data.titles))
    # the findings state the verdict of the primary scale's difference, by the same rule
    findings = {f.id: f for f in cg.comparison_group_findings({"comparison_group": table}, data)}
    for r in table[table["scale"] == data.primary_scale].itertuples():
        statement = findings[f"comparison_group.{r.comparison}.{r.rater}.{r.scale}.did"].statement
        size = int(table.query("comparison == @r.comparison and rater == @r.rater")["did_p_value"].notna().sum())
        if r.did_p_adjusted < 0.05:
            assert f"The difference is clear after adjusting for testing {size} scales at once" in statement
        elif r.did_ci_low > 0 or r.did_ci_high < 0:
            assert (f"would count as clear if it were the only scale tested, but not after adjusting for testing "
                    f"{size} scales at once, so it is not counted as a clear difference.") in statement
        else:
            assert statement.endswith("the data cannot tell the two groups' changes apart.")


def test_a_small_side_is_withheld_and_the_label_stays_at_level_1(cohorts):
    data = cohorts[0]["with"]
    threshold = data.cohort.disclosure_threshold
    few = data.comparison_participants["participant_id"].iloc[: threshold - 1]
    small = dataclasses.replace(data, comparison_scores=data.comparison_scores[
        data.comparison_scores["participant_id"].isin(few)])
    table = cg.comparison_group_table(small)
    assert len(table) and (table["suppressed"] == "primary").all()
    assert table["n_comparison"].isna().all() and table[["did", "d_ppc2", "did_ci_low"]].isna().all().all()
    assert table["n_programme"].notna().all()  # the programme side is the whole cohort: published elsewhere too
    tables = {"comparison_group": table}
    assert cg.design_level(tables) == 1 and cg.design_label(tables) == outcome_report.DESIGN_LABEL
    assert cg.comparison_group_findings(tables, small) == []
    text = " ".join(cg.comparison_group_paragraph(tables, small, small.titles))
    assert f"fewer than {threshold}" in text and "too few" in text


def test_the_design_label_and_summary_switch_with_a_comparison_group(cohorts):
    data = cohorts[0]["with"]
    tables = {"comparison_group": cg.comparison_group_table(data)}
    assert cg.design_level(tables) == 3 and "level 3" in cg.design_label(tables)
    assert "not randomised" in cg.design_label(tables) and "selection" in cg.design_label(tables)
    assert cg.design_level({}) == 1 and "level 1" in cg.design_label({})
    # the summary paragraph is true of its row, in plain words
    row = tables["comparison_group"].query("scale == @data.primary_scale and comparison == 'pre_post' "
                                           "and rater == 'self'").iloc[0]
    text = " ".join(cg.comparison_group_paragraph(tables, data, data.titles))
    # the count is the primary scale's, said as such (the reader took "48 staff" for the whole group)
    title = data.titles[data.primary_scale]
    assert f"{int(row['n_comparison'])} of them have scores on {title} both before the programme" in text
    shown = tables["comparison_group"].query("comparison == 'pre_post'")["n_comparison"]
    assert f"(from {int(shown.min())} to {int(shown.max())} across the scales and raters" in text
    assert f"a difference of {row['did']:+.2f} points (95% confidence interval {row['did_ci_low']:+.2f} to " \
           f"{row['did_ci_high']:+.2f})" in text
    assert f"rose by {row['mean_change_programme']:.2f} points" in text
    # the verdict is the adjusted one, as for the outcomes (cohort 3: p 0.018 unadjusted, 0.088 after Holm)
    head = text.split(" Elsewhere in the comparison-group table")[0]  # the primary scale's sentences
    assert ("change was clearly greater" in head) == (row["did_p_adjusted"] < 0.05 and row["did"] > 0)
    assert ("would count as clear if it were the only scale tested" in head) == (
        row["did_p_adjusted"] >= 0.05 and (row["did_ci_low"] > 0 or row["did_ci_high"] < 0))
    assert "similar" not in cg.DESIGN_PLAIN_COMPARISON  # no table shows that the groups are alike
    for word in ("d_ppc2", "Maryland", " CI ", "p-value", "_"):
        assert word not in text, word
    findings = {f.id: f for f in cg.comparison_group_findings(tables, data)}
    key = f"comparison_group.pre_post.self.{data.primary_scale}"
    assert findings[f"{key}.did"].value == row["did"] and findings[f"{key}.d_ppc2"].ci_high == row["d_ppc2_ci_high"]
    assert {f.table for f in findings.values()} == {"comparison_group"}
    # the index page shows the did finding as a headline: the waves in words, as the outcome findings
    # write them (it read "Leading change (self-rated), pre to post: ...")
    for finding in findings.values():
        assert not re.search(r"\b(pre|then)\b(?!-test)|\b(post|follow_up)\b", finding.statement), finding.statement
    assert "(self-rated), from before the programme to the end of the programme: participants changed by" in \
        findings[f"{key}.did"].statement


@pytest.mark.slow
def test_no_participant_table_finding_or_summary_line_changes(cohorts):
    # every table of the three cohort reports, with and without the comparison group
    from evaluation.reports import cost_report, equity_report

    both, with_dir, without_dir = cohorts
    built = {}
    for name, folder in (("with", with_dir), ("without", without_dir)):
        data = both[name]
        built[name] = [outcome_report.build(data), equity_report.build(data),
                       cost_report.build(data, data_dir=folder, params_dir=PARAMS_DIR)]
    for a, b in zip(built["with"], built["without"], strict=True):
        assert set(a.tables) - set(b.tables) <= {"comparison_group"}
        for name, frame in b.tables.items():
            pd.testing.assert_frame_equal(a.tables[name], frame, obj=f"{a.report}: {name}")
        fa = [f for f in a.findings if not f.id.startswith("comparison_group.")]
        assert fa == list(b.findings)
    out_a, out_b = built["with"][0], built["without"][0]
    assert "comparison_group" in out_a.tables and "comparison_group" not in out_b.tables
    paragraphs_a = [p for p in out_a.summary.split("\n\n") if not p.startswith(("**Beside a comparison group.**",
                                                                               "**Limits of the design.**"))]
    paragraphs_b = [p for p in out_b.summary.split("\n\n") if not p.startswith("**Limits of the design.**")]
    assert paragraphs_a == paragraphs_b
    assert cg.DESIGN_PLAIN_COMPARISON in out_a.summary and cg.DESIGN_PLAIN_COMPARISON not in out_b.summary
    for result in built["with"][1:]:
        assert np.all([not f.id.startswith("comparison_group") for f in result.findings])


@pytest.mark.slow
def test_evaluate_cohort_3_publishes_the_comparison_group_and_passes_the_audit(cohorts, tmp_path):
    from evaluation.publish.disclosure_audit import audit_folder

    _, with_dir, _ = cohorts
    done = run_cli("evaluate", "--programme", PROGRAMME, "--cohort", "3", "--data-dir", str(with_dir),
                   "--params-dir", str(PARAMS_DIR), "--reports-dir", str(tmp_path / "reports"))
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "reports" / PROGRAMME / "cohort-3"
    table = pd.read_csv(folder / "tables" / "comparison_group.csv", keep_default_na=False, na_values=[""])
    assert list(table.columns) == list(cg.COMPARISON_GROUP_TABLE_COLUMNS) and len(table)
    assert audit_folder(folder, threshold=5).ok
    findings = {f["id"] for f in json.loads((folder / "findings.json").read_text())}
    assert "comparison_group.pre_post.self.leading_change.did" in findings
    html = (folder / "cohort_evaluation.html").read_text()
    assert "Maryland Scientific Methods Scale level 3" in html and "Beside a comparison group" in html
    assert "Maryland Scientific Methods Scale level 1" not in html


def test_cohort_2s_report_has_no_comparison_group_and_stays_at_level_1(synthetic_report):
    _, folder, _ = synthetic_report
    assert not (folder / "tables" / "comparison_group.csv").exists()
    html = (folder / "cohort_evaluation.html").read_text()
    assert "Maryland Scientific Methods Scale level 1" in html and "Maryland Scientific Methods Scale level 3" not in html
    assert "This cohort has no comparison group." in html
    findings = json.loads((folder / "findings.json").read_text())
    assert not [f for f in findings if f["id"].startswith("comparison_group")]


def test_a_statistic_the_pairs_cannot_give_is_a_note_naming_its_row(cohorts):
    from evaluation.reports.findings import collect_warnings

    data = cohorts[0]["with"]
    one = data.comparison_participants["participant_id"].iloc[:1]
    tiny = dataclasses.replace(data, cohort=data.cohort.model_copy(update={"disclosure_threshold": 1}),
                               comparison_scores=data.comparison_scores[data.comparison_scores["participant_id"]
                                                                        .isin(one)])
    notes: list[dict] = []
    table = collect_warnings(notes, "comparison_group", lambda: cg.comparison_group_table(tiny))
    assert (table["n_comparison"] == 1).all() and table["did_ci_low"].isna().all()
    assert notes and all(n["warning"] == "DegenerateDataWarning" for n in notes)
    assert any("scale 'leading_change', pre_post, rater 'self'" in n["message"] for n in notes)
