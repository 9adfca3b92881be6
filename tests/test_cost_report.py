"""The cost-per-participant report on the synthetic data (Leading to Deliver cohort 2, and the
Collaborative Leadership pilot for the programme comparison)."""

from __future__ import annotations

import json
import math
import re
import shutil
import warnings

import pandas as pd
import pytest

from evaluation.core.errors import DemoKeyWarning
from evaluation.core.paths import NOTEBOOKS_DIR, PARAMS_DIR
from evaluation.data.cohort import load_cohort_data, rci_reliability, scale_info
from evaluation.reports import cost_report as cr
from evaluation.stats import outcomes as oc

FINDING_KEYS = {"id", "statement", "value", "ci_low", "ci_high", "unit", "table"}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from evaluation.data.ingest import ingest
    from evaluation.data.synthetic import synthesise

    root = tmp_path_factory.mktemp("costs")
    synthesise(root / "data", PARAMS_DIR)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("EVALUATION_ID_KEY", raising=False)
        mp.delenv("EVALUATION_ID_KEY_FILE", raising=False)
        for programme in ("leading-to-deliver", "collaborative-leadership"):
            # synthetic folders carry SYNTHETIC.json: the labelled demo key, with its warning
            with pytest.warns(DemoKeyWarning):
                ingest(programme, data_dir=root / "data", params_dir=PARAMS_DIR)
    data = load_cohort_data("leading-to-deliver", 2, data_dir=root / "data", params_dir=PARAMS_DIR)
    tables = cr.cost_tables(data, data_dir=root / "data", params_dir=PARAMS_DIR)
    return root, data, tables


def test_cost_summary_has_the_contract_columns_and_measures(synthetic):
    _, data, tables = synthetic
    summary = tables["cost_summary"]
    assert list(summary.columns[:6]) == cr.CONTRACT_SUMMARY_COLUMNS
    assert set(cr.CONTRACT_MEASURES) <= set(summary["measure"])
    assert {"marginal_cost_participant", "marginal_cost_cohort"} <= set(summary["measure"])
    money = summary[summary["unit"].str.startswith("GBP")]
    base = data.cohort.price_base_year
    assert (money["unit"] == f"GBP ({base} prices)").all() and (money["price_base_year"] == base).all()
    v = summary.set_index("measure")["value"]
    # total_cost = fixed_cost + variable_cost_per_participant × enrolled
    assert v["total_cost"] == pytest.approx(v["fixed_cost"] + v["variable_cost_per_participant"] * v["enrolled"],
                                            rel=1e-12)
    assert v["enrolled"] == len(data.participants)
    assert v["completed"] == (data.participants["status"] == "completed").sum()
    assert v["cost_per_enrolled"] == pytest.approx(v["total_cost"] / v["enrolled"])
    assert v["cost_per_completer"] == pytest.approx(v["total_cost"] / v["completed"])
    assert v["cost_per_reliable_improver"] == pytest.approx(v["total_cost"] / v["reliable_improvers"])
    # cash = economic − participants' time, for the cohort and per place
    assert v["cash_total_cost"] == pytest.approx(v["total_cost"] - v["participant_time_cost"], rel=1e-12)
    assert v["cash_cost_per_enrolled"] == pytest.approx(v["cash_total_cost"] / v["enrolled"])
    # intervals only where an outcome measured with error enters: counted money has none
    table = summary.set_index("measure")
    for measure, row in table.iterrows():
        if measure in ("cost_per_reliable_improver", "cash_cost_per_reliable_improver"):
            assert row["ci_low"] < row["value"] < row["ci_high"], measure
        else:
            assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"]), measure
    # LtD ships no participant_time rows: participants' time is derived, and the table says so
    assert tables["cohort_costs"].ledger.participant_time_source == "derived"
    described = summary.set_index("measure").loc["participant_time_cost", "description"]
    assert "hours attended" in described
    line = tables["cost_ledger"].set_index("category").loc["participant_time", "description"]
    assert re.fullmatch(r"Participants' time: the cohort's [\d,]+(\.\d)? hours attended × hourly staff cost by role "
                        r"level \(\d{4} prices\); the amount is per enrolled participant", line), line
    assert ".0 hours" not in line


def test_costs_by_category_has_the_contract_columns_and_adds_up(synthetic):
    _, data, tables = synthetic
    by_category = tables["costs_by_category"]
    assert list(by_category.columns[:4]) == cr.CONTRACT_CATEGORY_COLUMNS
    total = tables["cost_summary"].set_index("measure").loc["total_cost", "value"]
    assert by_category["amount"].sum() == pytest.approx(total, rel=1e-12)
    assert by_category["share"].sum() == pytest.approx(1.0)
    assert {"participant_time", "design", "needs_assessment", "delivery"} <= set(by_category["category"])
    assert (by_category["price_base_year"] == data.cohort.price_base_year).all()


def test_reliable_improvers_agree_with_the_outcomes_table(synthetic):
    _, data, tables = synthetic
    first = data.cohort.comparisons[0]
    outcomes = oc.outcomes_table(data.scale_scores, comparisons=[first], reliability=rci_reliability(data),
                                 scale_info=scale_info(data)[["kirkpatrick_level", "higher_is_better"]])
    row = outcomes[(outcomes["scale"] == data.primary_scale) & (outcomes["rater"] == "self")].iloc[0]
    improvement = tables["reliable_improvement"].set_index("stage")["n"]
    assert improvement["reliably_improved"] == round(row["rci_improved"] * row["n_pairs"])
    assert improvement["scored_both"] == row["n_pairs"]
    # those without both scores count as not improved
    assert improvement["enrolled"] == improvement["scored_both"] + improvement["not_scored"]
    # the definition names the scale and the two questionnaires in words, not "pre and post"
    definition = tables["reliable_improvement"].set_index("stage").loc["scored_both", "definition"]
    assert first == "pre_post" and definition == (f"With a score on {data.titles[data.primary_scale]} (self-rated) "
                                                  "at both questionnaires, before and after")
    v = tables["cost_summary"].set_index("measure")["value"]
    assert v["reliable_improvers"] == improvement["reliably_improved"]


def test_findings_layout_ids_and_units(synthetic):
    _, data, tables = synthetic
    findings = [f.as_dict() for f in cr.cost_findings(tables, data)]
    for f in findings:
        assert set(f) == FINDING_KEYS
        assert f["table"] == "cost_summary"
        assert f["unit"] == f"GBP ({data.cohort.price_base_year} prices)"
    ids = [f["id"] for f in findings]
    assert len(ids) == len(set(ids))
    assert {"costs.cost_per_participant", "costs.cost_per_completer", "costs.cost_per_reliable_improver",
            "costs.total_cost", "costs.marginal_cost_participant", "costs.marginal_cost_cohort"} <= set(ids)
    by_id = {f["id"]: f for f in findings}
    v = tables["cost_summary"].set_index("measure")
    assert by_id["costs.cost_per_participant"]["value"] == v.loc["cost_per_enrolled", "value"]
    assert by_id["costs.cost_per_participant"]["ci_low"] is None and pd.isna(v.loc["cost_per_enrolled", "ci_low"])
    assert by_id["costs.cost_per_reliable_improver"]["ci_low"] == v.loc["cost_per_reliable_improver", "ci_low"]
    assert "2024 prices" in by_id["costs.cost_per_completer"]["statement"]
    # counted money has no interval in findings.json either; the costs per reliable improver have one
    for f in findings:
        improver = f["id"] in ("costs.cost_per_reliable_improver", "costs.cash_cost_per_reliable_improver")
        assert (f["ci_low"] is not None and f["ci_high"] is not None) == improver, f["id"]
        assert ("interval" in f["statement"]) == improver, f["id"]
    assert by_id["costs.cash_marginal_cost_cohort"]["value"] == v.loc["cash_marginal_cost_cohort", "value"]
    json.dumps(findings)  # serialisable: no NaN, no numpy types
    for f in findings:
        for key in ("value", "ci_low", "ci_high"):
            assert f[key] is None or (isinstance(f[key], float) and math.isfinite(f[key]))


def test_findings_are_re_derived_identically(synthetic):
    _, data, tables = synthetic
    # verify re-derives the findings without the programme comparison: the same, to the last digit
    assert cr.cost_findings_for(data) == cr.cost_findings(tables, data)


def test_bootstrap_is_reproducible(synthetic):
    _, data, tables = synthetic
    again = cr.cost_tables(data, comparison=False)
    pd.testing.assert_frame_equal(tables["cost_summary"], again["cost_summary"], check_exact=True)
    pd.testing.assert_frame_equal(tables["bootstrap_draws"], again["bootstrap_draws"], check_exact=True)
    boot = tables["bootstrap"]
    assert (boot["seed"] == data.cohort.bootstrap.seed).all()
    assert (boot["resamples"] == data.cohort.bootstrap.resamples).all()
    assert len(tables["bootstrap_draws"]) == data.cohort.bootstrap.resamples


def test_programme_comparison_covers_both_programmes(synthetic):
    _, data, tables = synthetic
    comp = tables["programme_comparison"]
    cohorts = comp[comp["level"] == "cohort"]
    assert set(cohorts["programme"]) == {"leading-to-deliver", "collaborative-leadership"}
    assert sorted(cohorts.loc[cohorts["programme"] == "leading-to-deliver", "cohort"]) == [1, 2, 3, 4, 5]
    assert (comp["price_base_year"] == data.cohort.price_base_year).all()
    this = cohorts[(cohorts["programme"] == "leading-to-deliver") & (cohorts["cohort"] == 2)].iloc[0]
    v = tables["cost_summary"].set_index("measure")["value"]
    assert this["cost_per_enrolled"] == v["cost_per_enrolled"]
    assert this["cost_per_reliable_improver"] == v["cost_per_reliable_improver"]
    # the pilot gives participants' time as cost rows; LtD derives it
    pilot = cohorts[cohorts["programme"] == "collaborative-leadership"].iloc[0]
    assert pilot["participant_time_source"] == "cost_rows"
    # programme rows: all cohorts' costs over all their participants
    ltd = comp[(comp["level"] == "programme") & (comp["programme"] == "leading-to-deliver")].iloc[0]
    ltd_cohorts = cohorts[cohorts["programme"] == "leading-to-deliver"]
    assert ltd["enrolled"] == ltd_cohorts["enrolled"].sum()
    assert ltd["cost_per_enrolled"] == pytest.approx(ltd_cohorts["total_cost"].sum() / ltd_cohorts["enrolled"].sum())
    # the whole programme's shared costs are apportioned exactly once over its cohorts
    ledger = tables["cohort_costs"].ledger
    shared = ledger.lines[ledger.lines["level"] == "programme"]
    assert shared["share"].to_numpy() == pytest.approx([len(data.participants) / ltd["enrolled"]] * len(shared))


def test_a_programme_row_has_the_interval_the_programme_report_publishes(synthetic):
    # The comparison table's row for Leading to Deliver over all cohorts had blank interval columns, while
    # the programme report gives the same £108,900 per reliable improver the interval £88,454 to £141,146;
    # and the summary said "where the ranges overlap, ..." without saying whether they do.
    from evaluation.data.programme import load_programme_data
    from evaluation.reports.programme_report import costs as pc

    root, data, tables = synthetic
    comp = tables["programme_comparison"]
    columns = ["cost_per_reliable_improver", "cost_per_reliable_improver_ci_low", "cost_per_reliable_improver_ci_high"]
    rows = comp[comp["level"] == "programme"].set_index("programme")
    for programme in ("leading-to-deliver", "collaborative-leadership"):
        trend = pc.cost_trends(load_programme_data(programme, data_dir=root / "data", params_dir=PARAMS_DIR))
        published = trend[trend["level"] == "programme"].iloc[0]
        assert rows.loc[programme, columns].to_numpy(dtype=float) == pytest.approx(
            published[columns].to_numpy(dtype=float), rel=1e-12), programme
    across = cr.cost_summary_markdown(tables, data).split("**Across cohorts and programmes.**")[1].split("\n\n")[0]
    (lo_a, hi_a), (lo_b, hi_b) = rows[columns[1:]].to_numpy(dtype=float)
    overlap = max(lo_a, lo_b) <= min(hi_a, hi_b)
    assert ("The programmes' 95% intervals overlap, so the figures do not show" in across) == overlap
    assert ("The programmes' 95% intervals do not overlap: " in across) == (not overlap)
    assert "where the ranges overlap" not in across
    ltd = rows.loc["leading-to-deliver"]
    assert f"95% interval £{ltd[columns[1]]:,.0f} to £{ltd[columns[2]]:,.0f}, resampling within each cohort" in across


def test_programme_comparison_skips_what_is_missing_with_a_note(synthetic, tmp_path):
    root, data, tables = synthetic
    params = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    ghost = params / "ghost-programme"
    ghost.mkdir()
    shutil.copy(params / "collaborative-leadership" / "programme.yaml", ghost / "programme.yaml")
    notes: list[dict] = []
    comp = cr.programme_comparison(data, tables["cohort_costs"], data_dir=root / "data", params_dir=params,
                                   notes=notes)
    assert "ghost-programme" not in set(comp["programme"])
    assert any("ghost-programme" in n["message"] and "ingest" in n["message"] for n in notes)


def test_a_skipped_cohort_note_does_not_publish_where_the_data_are(synthetic, tmp_path):
    root, data, tables = synthetic
    params = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    cohort_2 = (params / "leading-to-deliver" / "cohort-2.yaml").read_text()
    (params / "leading-to-deliver" / "cohort-9.yaml").write_text(cohort_2.replace("cohort: 2", "cohort: 9"))
    notes: list[dict] = []
    cr.programme_comparison(data, tables["cohort_costs"], data_dir=root / "data", params_dir=params, notes=notes)
    skipped = [n["message"] for n in notes if n["message"].startswith("leading-to-deliver cohort 9:")]
    assert skipped == ["leading-to-deliver cohort 9: <data folder>/processed/leading-to-deliver/participants.parquet: "
                       "no participant of programme 'leading-to-deliver' is in cohort 9 (cohorts with data: "
                       f"{sorted(set(data.all_participants['cohort'].astype(int)))})"]
    assert not any(str(root) in n["message"] or str(tmp_path) in n["message"] for n in notes)


def test_benchmarks_are_converted_to_the_base_year(synthetic):
    _, data, tables = synthetic
    bench = tables["benchmarks"].set_index("item")
    residential = bench.loc["Residential programmes"]
    # £4,000 in 2008 prices × D_2024 / D_2008 = 4000 × 100 / 66.89 = 5,979.97
    assert residential["low_real"] == pytest.approx(4000 * 100 / 66.89)
    assert math.isnan(residential["high_real"])
    other = bench.loc["Non-residential and distance / e-learning programmes"]
    assert (other["low_real"], other["high_real"]) == (pytest.approx(1000 * 100 / 66.89),
                                                       pytest.approx(2000 * 100 / 66.89))
    assert (tables["benchmarks"]["price_base_year"] == 2024).all()
    # each benchmark states its source and price year; this cohort's figure is the cash cost per place
    published = tables["benchmarks"][tables["benchmarks"]["kind"] == "benchmark"]
    assert (published["price_year"] == 2008).all() and published["price_year_basis"].str.startswith("assumed").all()
    assert published["citation"].str.contains("Scottish Government \\(2008\\)").all()
    cash = tables["cost_summary"].set_index("measure").loc["cash_cost_per_enrolled", "value"]
    assert bench.loc["This cohort: cash cost per place (without participants' time)", "low_real"] == cash


def test_monetised_benefits_give_bcr_and_roi(synthetic):
    _, data, _ = synthetic
    total = 2_000_000.0
    benefits = {"by_year": {2004: total}, "price_year": 2024, "source": "test", "attribution": 1.0,
                "confidence": 1.0}
    tables = cr.cost_tables(data, benefits=benefits, comparison=False)
    bc = tables["benefit_cost"].set_index("measure")["value"]
    cost = tables["cost_summary"].set_index("measure").loc["total_cost", "value"]
    # one year of benefits: no discounting; BCR = 2,000,000 / cost; ROI = (BCR − 1) × 100
    assert bc["benefit_cost_ratio"] == pytest.approx(total / cost)
    assert bc["roi_percent"] == pytest.approx((total / cost - 1) * 100)
    ids = {f.id for f in cr.cost_findings(tables, data)}
    assert {"costs.benefit_cost_ratio", "costs.roi_percent"} <= ids
    assert len(tables["non_monetised"]) > 0  # the outcomes left in their own units, beside the ratio


def test_monetised_benefits_from_the_cohort_parameters(synthetic):
    # the same benefits given as the cohort parameter `monetised_benefits` (params.Cohort)
    import dataclasses

    _, data, _ = synthetic
    total = 2_000_000.0
    cohort = data.cohort.model_copy(update={"monetised_benefits": data.cohort.model_validate({
        **data.cohort.model_dump(), "monetised_benefits": {"by_year": {2004: total}, "price_year": 2024,
                                                           "source": "test"}}).monetised_benefits})
    tables = cr.cost_tables(dataclasses.replace(data, cohort=cohort), comparison=False)
    cost = tables["cost_summary"].set_index("measure").loc["total_cost", "value"]
    # BCR = 2,000,000 / total cost (attribution and confidence default to 1)
    assert tables["benefit_cost"].set_index("measure").loc["benefit_cost_ratio", "value"] == pytest.approx(total / cost)


def test_summary_for_commissioners(synthetic):
    _, data, tables = synthetic
    text = cr.cost_summary_markdown(tables, data)
    assert text.startswith("## Summary for commissioners")
    assert "2024 prices" in text and "per completer" in text and "reliable improver" in text
    v = tables["cost_summary"].set_index("measure")["value"]
    assert f"£{v['cost_per_enrolled']:,.0f}" in text
    assert "2008 evaluation of Leading to Deliver" in text and "Audit Scotland" in text
    assert "No monetised benefits" in text
    # cash and economic side by side, in plain pounds with separators; another cohort in both views
    for measure in ("cash_total_cost", "total_cost", "cash_cost_per_enrolled", "cash_cost_per_completer",
                    "cost_per_completer", "cash_marginal_cost_cohort", "marginal_cost_cohort"):
        assert f"£{v[measure]:,.0f}" in text, measure
    assert "Cash cost (what the commissioner pays)" in text and "Economic cost" in text
    # no interval on counted money: no "£x to £x" with equal ends, and only the improver's intervals
    import re

    # (the other programmes' intervals, in the paragraph across programmes, aside)
    intervals = re.findall(r"interval (£[\d,]+) to (£[\d,]+)", text.split("**Across cohorts")[0])
    assert len(intervals) == 4 and all(lo != hi for lo, hi in intervals)  # cash and economic, table and text
    s = tables["cost_summary"].set_index("measure")
    assert f"£{s.loc['cost_per_reliable_improver', 'ci_low']:,.0f}" in text
    # the tornado sentence never names the price base year
    assert "base year" not in text.split("How sure we are")[1].split("Growing")[0]


@pytest.mark.parametrize("programme", ["leading-to-deliver", "collaborative-leadership"])
def test_the_summary_says_truly_why_only_the_cost_per_improver_has_an_interval(synthetic, programme):
    # It read "The totals, the cost per place, the cost per completer and the cost of another cohort are
    # worked out from money that was counted, not estimated": but participants' time is hours × an hourly
    # cost (an assumption the tornado varies) and another cohort is a projection; and "seed 2004" was code.
    root, _, _ = synthetic
    data = load_cohort_data(programme, 1, data_dir=root / "data", params_dir=PARAMS_DIR)
    tables = cr.cost_tables(data, data_dir=root / "data", params_dir=PARAMS_DIR, comparison=False)
    text = cr.cost_summary_markdown(tables, data)
    sure = text.split("**How sure we are.**")[1].split("\n")[0]
    assert "counted, not estimated" not in sure and "money that was counted" not in sure
    assert "not estimated from a sample" in sure and "another cohort is a projection" in sure
    ledger = tables["cohort_costs"].ledger
    time = {"derived": "hours attended × an estimated hourly staff cost", "cost_rows": "given as a cost line, rests on hours"}
    assert time[ledger.participant_time_source] in sure
    assert ("one-off costs follows a rule" in sure) == (ledger.shared_cost > 0 and ledger.cohorts_served > 1)
    seed = tables["cohort_costs"].bootstrap.seed
    assert f"random-number seed, {seed}," in sure and f"seed {seed})" not in sure


def test_a_cost_above_the_open_residential_band_is_not_said_to_be_in_it(synthetic):
    # "This cohort's cash cost per place, £10,461, is in the residential range": that band is "£4,000 or
    # more" (cost_benchmarks.csv: low_real £5,980, no high_real), so a cost is above its lower end, not in it
    _, data, tables = synthetic
    bench = tables["benchmarks"]
    residential = bench[bench["kind"] == "benchmark"].iloc[0]
    assert pd.isna(residential["high_real"])
    place = tables["cost_summary"].set_index("measure").loc["cash_cost_per_enrolled", "value"]
    assert place > residential["low_real"]
    text = cr.cost_summary_markdown(tables, data)
    assert "in the residential range" not in text
    # then "is above £5,980, the lower end ..., which has no upper end (1.8 times that lower end)": the bracket
    # read as describing the missing upper end
    assert (f"cash cost per place, £{place:,.0f}, is {place / residential['low_real']:.1f} times "
            f"£{residential['low_real']:,.0f}, the lower end of the residential range (which has no upper end).") in text
    assert "times that lower end" not in text


@pytest.mark.parametrize(("programme", "cohort"), [("leading-to-deliver", 4), ("leading-to-deliver", 1),
                                                  ("collaborative-leadership", 1)])
def test_the_ledger_as_shown_reproduces_its_totals_to_the_pound(synthetic, programme, cohort):
    # Cohort 4's Design line read £142,300 × 1.72 → £244,208 × "0.20" → £49,412, but £244,208 × 0.20 is
    # £48,842 (the share is 104/514 = 0.2023) and £142,300 × 1.72 is £244,756 (the factor is 1.7161).
    from fractions import Fraction

    from evaluation.reports.display import format_table

    root, _, _ = synthetic
    data = load_cohort_data(programme, cohort, data_dir=root / "data", params_dir=PARAMS_DIR)
    ledger = cr.cohort_costs(data).ledger
    shown = format_table(cr.ledger_for_reading(ledger), 2, price_base_year=2024, columns=[
        "amount", "deflator_factor", "real_amount", "quantity", "real_total"])

    def pounds(text):
        return float(text.replace("£", "").replace(",", ""))

    for row in shown.to_dict("records"):
        amount, factor = pounds(row["Amount"]), float(row["Deflator factor"])
        times = float(Fraction(row["Times counted"].replace(",", "")))
        assert abs(amount * factor - pounds(row["Real amount (£)"])) < 1, row
        assert abs(amount * factor * times - pounds(row["Real total (£)"])) < 1, row
    shares = ledger.lines.loc[(ledger.lines["level"] == "programme") & (ledger.lines["share"] < 1), "share"]
    assert len(shares) == 0 or shown["Times counted"].str.fullmatch(rf"{ledger.enrolled}/\d+").sum() == len(shares)


@pytest.mark.parametrize("programme", ["leading-to-deliver", "collaborative-leadership"])
def test_the_pages_words_name_what_this_programmes_ledger_has_without_codes(synthetic, programme):
    # The pilot's page said another cohort leaves out "(blank cohort: needs assessment, design,
    # programme-wide evaluation)" though its ledger has no needs assessment; the sources read
    # "(programme.yaml staff_hourly_cost)" and "(costs.csv, category participant_time)"; and its tornado
    # said the cost line of participants' time was "costed on the PSSRU unit-cost schema", which the
    # line does not say.
    root, _, _ = synthetic
    data = load_cohort_data(programme, 1, data_dir=root / "data", params_dir=PARAMS_DIR)
    tables = cr.cost_tables(data, data_dir=root / "data", params_dir=PARAMS_DIR, comparison=False)
    ledger = tables["cohort_costs"].ledger
    shared = set(ledger.lines.loc[ledger.lines["level"] == "programme", "category"])
    words = " ".join([*tables["cost_summary"]["description"], *tables["tornado"]["reason"],
                      cr.cost_summary_markdown(tables, data)])
    for code in ("blank cohort", "costs.csv", "programme.yaml", "staff_hourly_cost", "category participant_time"):
        assert code not in words, code
    another = tables["cost_summary"].set_index("measure").loc["marginal_cost_cohort", "description"]
    assert ("needs assessment" in another) == ("needs_assessment" in shared)
    assert "design" in another and "design" in shared
    if ledger.participant_time_source == "cost_rows":
        assert "PSSRU" not in " ".join(tables["tornado"]["reason"])
    source = (NOTEBOOKS_DIR / "cost_per_participant.py").read_text()
    assert "(needs assessment, design,\n# programme evaluation)" not in source
    assert "A figure with no participants' time in it is both" not in source
    # "cash and economic" is the label of every figure without participants' time (per-participant lines too),
    # not of "the fixed costs" alone; and the two costs per improver differ, so they are not "cash and economic"
    assert "never enters it (the fixed costs)" not in source
    assert "Only the cost per reliable improver (cash and economic)" not in source
    assert "Both the cash and the economic cost per reliable improver have a confidence interval" in source
    assert "What was counted (the cost lines, enrolment, completion) is not varied" not in source


def test_why_it_matters_says_whether_the_cohort_had_a_comparison_group(synthetic):
    # cohort 3's cost page said its improvement was change "in a single group without a comparison
    # group"; the cohort has one (tables/comparison_group.csv, Maryland level 3 on its outcomes page)
    root, data, tables = synthetic
    assert not data.has_comparison_group
    assert "in a single group without a comparison group" in cr.cost_summary_markdown(tables, data)
    third = load_cohort_data("leading-to-deliver", 3, data_dir=root / "data", params_dir=PARAMS_DIR)
    assert third.has_comparison_group
    text = cr.cost_summary_markdown(cr.cost_tables(third, data_dir=root / "data", params_dir=PARAMS_DIR), third)
    assert "without a comparison group" not in text
    assert ("This cohort had a comparison group (the cohort evaluation report gives the difference from it), but the "
            "cost per improver counts every participant who reliably improved") in text


@pytest.mark.parametrize("programme", ["leading-to-deliver", "collaborative-leadership"])
def test_the_summarys_sensitivity_sentence_is_its_tornados_widest_bar_without_nested_brackets(synthetic, programme):
    # It read "(×0.75 to ×1.5, because … understate it (if travel … are not counted)): it would be …":
    # a reason with a bracket of its own, inside a bracket. The widest bar is said without brackets.
    root, _, _ = synthetic
    data = load_cohort_data(programme, 1, data_dir=root / "data", params_dir=PARAMS_DIR)
    tables = cr.cost_tables(data, data_dir=root / "data", params_dir=PARAMS_DIR)
    text = cr.cost_summary_markdown(tables, data)
    sure = text.split("**How sure we are.**")[1].split("\n")[0]
    bars = tables["tornado"]
    top = bars[(bars["measure"] == "cost_per_completer") & (bars["swing"] > 0)].sort_values("swing", ascending=False).iloc[0]
    said = (f"tried from {top['low_setting']} to {top['high_setting']} because {top['reason']}; it would then be "
            f"£{top['value_low']:,.0f} to £{top['value_high']:,.0f}")
    assert said in sure
    depth, deepest = 0, 0
    for char in sure:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    assert deepest == 1 and depth == 0


@pytest.mark.slow
def test_notebook_writes_the_contract_tables(synthetic, tmp_path):
    import papermill

    root, _, _ = synthetic
    out = tmp_path / "report"
    out.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        papermill.execute_notebook(
            str(NOTEBOOKS_DIR / "cost_per_participant.ipynb"), str(out / "cost_per_participant.ipynb"),
            kernel_name="python3", progress_bar=False, cwd=str(out),
            parameters={"programme": "leading-to-deliver", "cohort": 2, "data_dir": str(root / "data"),
                        "params_dir": str(PARAMS_DIR), "output_dir": "."})
    summary = pd.read_csv(out / "tables" / "cost_summary.csv")
    assert list(summary.columns[:6]) == cr.CONTRACT_SUMMARY_COLUMNS
    by_category = pd.read_csv(out / "tables" / "costs_by_category.csv")
    assert list(by_category.columns[:4]) == cr.CONTRACT_CATEGORY_COLUMNS
    findings = json.loads((out / "findings" / "cost_per_participant.json").read_text())
    assert {f["id"] for f in findings} >= {"costs.cost_per_participant", "costs.cost_per_reliable_improver"}
    assert {p.name for p in (out / "figures").glob("*.png")} >= {
        "costs_by_category.png", "cost_curve.png", "cost_tornado_completer.png", "cost_bootstrap.png",
        "cost_benchmarks.png", "cost_programme_comparison.png"}


def test_the_reported_tornados_are_measures_the_tornado_can_vary():
    from evaluation.reports.cost_report.tables import REPORTED_TORNADOS
    from evaluation.stats import costs as ct

    assert set(REPORTED_TORNADOS) <= set(ct.TORNADO_MEASURES)


def test_the_tornado_table_shows_every_figure_in_whole_pounds(synthetic):
    # The page showed the swing of the shared costs as "£10.13" (and "£60.14") beside £15,019 and
    # £15,029, where every other money figure of the reports is whole pounds.
    from evaluation.reports.display import format_table

    _, _, tables = synthetic
    tornado = tables["tornado"]
    small = tornado[(tornado["swing"] < 100) & (tornado["swing"] % 1 != 0)]
    assert len(small), "no swing under £100 with pence: the test would show nothing"
    shown = format_table(tornado, 0, price_base_year=2024, **cr.TORNADO_DISPLAY)
    figures = ["At the low setting (£)", "At the base values (£)", "At the high setting (£)", "Swing (£)"]
    assert shown.columns[-4:].tolist() == figures
    cells = shown[figures].to_numpy().ravel().tolist()
    assert all(re.fullmatch(r"−?£\d{1,3}(,\d{3})*", c) for c in cells), cells
    assert shown.loc[small.index, "Swing (£)"].tolist() == [f"£{x:,.0f}" for x in small["swing"]]
    assert (tornado["swing"] % 1 != 0).any()  # display only: the table keeps its pence


@pytest.mark.parametrize("top", [2_000.0, 14_000.0, 16_000.0, 18_000.0, 45_000.0, 120_000.0])
def test_money_tick_labels_are_exact(top):
    # a label must be the tick's value: £2.5k at 2,500, never "£2k" or "£3k"
    import re

    from evaluation.viz import cost_axes, cost_plots

    bench = pd.DataFrame({"item": ["Residential", "This cohort"], "kind": ["benchmark", "this_cohort"],
                          "low_real": [top / 3, top], "high_real": [math.nan, top], "price_base_year": 2024})
    plot = cost_plots.benchmark_chart(bench)
    axis = plot.figure.axes[0].xaxis
    plot.figure.canvas.draw()
    labels = [t for t in axis.get_ticklabels() if t.get_text()]
    assert len(labels) >= 3
    for tick in labels:
        label = tick.get_text()
        number = re.fullmatch(r"£([\d,.]+)(k?)", label)  # 16,000 and 18,000 give steps of £2.5k
        assert number, label
        value = float(number.group(1).replace(",", "")) * (1000 if number.group(2) else 1)
        assert value == pytest.approx(tick.get_position()[0], abs=1e-6), label
    assert cost_axes.pounds_tick(2500, thousands=True) == "£2.5k"
    assert cost_axes.pounds_tick(17500, thousands=True) == "£17.5k"


def test_stages_are_labelled_with_the_waves_of_the_first_comparison(synthetic):
    # the attrition flow and the reliable-improvement table count the waves of the cohort's first
    # comparison; their stage codes are fixed (answered_pre, scored_both), so the labels a reader
    # sees must name the waves counted, not "before and after", when that comparison is not pre_post
    import dataclasses

    from evaluation.reports.display import format_table
    from evaluation.reports.outcome_report import outcome_tables
    from evaluation.viz.outcome_plots import attrition_flow

    root, data, _ = synthetic
    later_first = data.cohort.model_copy(update={"comparisons": ["pre_follow_up", "pre_post"]})
    changed = dataclasses.replace(data, cohort=later_first)
    flow = outcome_tables(changed)["attrition"].query("section == 'flow'")
    assert set(flow["comparison"]) == {"pre_follow_up"}
    shown = format_table(flow, columns=["stage", "n"])["Stage"].tolist()
    assert shown == ["Enrolled", "Completed the programme", "Answered before", "Answered at follow-up",
                     "Scores before and at follow-up"]
    # the counts are those of the follow-up questionnaire, as the labels say
    scores = data.scale_scores
    answered = scores[(scores["scale"] == data.primary_scale) & (scores["rater"] == "self")
                      & (scores["wave"] == "follow_up")]["participant_id"].nunique()
    assert flow.set_index("stage").loc["answered_post", "n"] == answered
    plot = attrition_flow(flow)
    ticks = [t.get_text() for t in plot.figure.axes[0].get_yticklabels()]
    assert ticks == shown  # the figure's stages are the table's, in flow order
    costs = cr.cost_tables(changed, data_dir=root / "data", params_dir=PARAMS_DIR, comparison=False)
    improvement = costs["reliable_improvement"]
    assert format_table(improvement, columns=["stage"])["Stage"].tolist()[1] == "Scores before and at follow-up"
    # and the default comparison keeps the words of every shipped report
    assert format_table(outcome_tables(data)["attrition"].query("section == 'flow'"),
                        columns=["stage"])["Stage"].tolist()[2:] == ["Answered before", "Answered after",
                                                                      "Scores before and after"]


def test_attrition_definitions_on_the_page_are_plain_words_naming_the_waves_counted(synthetic):
    # the page's Definition column named stages in codes ("answered the questionnaire at wave 'pre'
    # for scale 'leading_change', rater 'self' (scored or not)", shown as "wave 'before' … rater
    # 'self-rating'"); it reads as a sentence naming the scale's title and the waves counted
    import dataclasses

    from evaluation.reports.display import format_table
    from evaluation.reports.outcome_report import attrition_flow, outcome_tables

    _, data, _ = synthetic
    later_first = data.cohort.model_copy(update={"comparisons": ["pre_follow_up", "pre_post"]})
    changed = dataclasses.replace(data, cohort=later_first)
    tables = outcome_tables(changed)
    flow = attrition_flow(tables, changed)
    title = data.titles[data.primary_scale]
    shown = format_table(flow, columns=["stage", "definition"]).set_index("Stage")["Definition"]
    assert shown["Answered at follow-up"] == (f"Answered the {title} questions (self-rated) at follow-up, "
                                              "with or without enough answers for a score")
    assert shown["Scores before and at follow-up"] == (f"Has a {title} score (self-rated) both before the "
                                                       "programme and at follow-up: the pairs analysed")
    assert not shown.str.contains("'").any()  # no quoted code left
    # the counts are the table's, and the published CSV keeps its definitions in codes for analysts
    csv_flow = tables["attrition"].query("section == 'flow'")
    assert flow["n"].tolist() == csv_flow["n"].tolist()
    assert "wave 'follow_up'" in csv_flow.set_index("stage").loc["answered_post", "definition"]


def test_the_shared_programme_costs_are_not_called_set_up_costs(synthetic):
    # the programme-level lines include the independent evaluation of all cohorts, reported in 2008:
    # not a set-up cost, though the summary's "Growing the programme" and the tornado called them so
    _, data, tables = synthetic
    ledger = tables["cohort_costs"].ledger
    assert "evaluation" in set(ledger.lines.loc[ledger.lines["level"] == "programme", "category"])
    text = cr.cost_summary_markdown(tables, data)
    assert "set-up" not in text
    assert "its share of the programme's one-off costs)" in text.split("**Growing the programme.**")[1]
    tornado = tables["tornado"]
    assert not tornado["reason"].str.contains("set-up").any()
    assert not tornado["description"].str.contains("set-up").any()


def test_the_programmes_costs_per_improver_are_given_with_their_uncertainty(synthetic):
    # the pilot's £50,227 per reliable improver (9 improvers, 95% interval £32,289 to £113,011) stood bare
    # beside Leading to Deliver's £108,900, as if the pilot cost half as much per improver
    _, data, tables = synthetic
    text = cr.cost_summary_markdown(tables, data)
    across = text.split("**Across cohorts and programmes.**")[1].split("\n\n")[0]
    comp = tables["programme_comparison"]
    for programme, rows in comp[comp["level"] == "cohort"].groupby("programme"):
        rows = rows.dropna(subset=["cost_per_reliable_improver"])
        if len(rows) == 1:
            lo = rows["cost_per_reliable_improver_ci_low"].iloc[0]
            assert f"interval £{lo:,.0f} to" in across, programme
        elif len(rows) > 1:
            assert f"range from £{rows['cost_per_reliable_improver'].min():,.0f} to" in across, programme
    assert "the figures do not show that one programme costs less per improver" in across


def test_the_source_of_participants_time_is_said_in_words():
    # the pilot's finding read "source: participant_time rows of costs.csv" (code words); the glossary's
    # fully loaded cost spoke of "set-up costs" where the pages say one-off costs shared between cohorts
    from evaluation.reports.glossary_entries import ENTRIES
    from evaluation.stats.costs import PARTICIPANT_TIME_SOURCES

    assert PARTICIPANT_TIME_SOURCES["cost_rows"] == "the programme's cost records (their lines of participants' time)"
    assert not any("rows of costs.csv" in words for words in PARTICIPANT_TIME_SOURCES.values())
    loaded = next(e for e in ENTRIES if e.key == "fully_loaded")
    assert "one-off costs shared between cohorts" in loaded.definition and "set-up" not in loaded.definition


@pytest.mark.parametrize(("improvers", "said"), [(1, "1 participant reliably improved on"),
                                                 (2, "2 participants reliably improved on")])
def test_the_number_who_reliably_improved_is_said_in_the_singular_or_the_plural(synthetic, improvers, said):
    # A cohort with one reliable improver would have read "1 participants reliably improved on ...".
    _, data, tables = synthetic
    summary = tables["cost_summary"].copy()
    summary.loc[summary["measure"] == "reliable_improvers", "value"] = improvers
    text = cr.cost_summary_markdown({**tables, "cost_summary": summary}, data)
    assert said in text and "1 participants" not in text


def _summary_with(tables, **values):
    """The cost summary table with some cells replaced: {measure: {column: value}}."""
    summary = tables["cost_summary"].copy()
    for measure, cells in values.items():
        for column, value in cells.items():
            summary.loc[summary["measure"] == measure, column] = value
    return {**tables, "cost_summary": summary}


def test_a_cohort_in_which_nobody_reliably_improved_is_not_told_it_has_a_cost_per_improver_or_its_range(synthetic):
    # A cohort of 3 in which nobody reliably improved read "only the cost per reliable improver has a
    # range: a 95% bootstrap interval ..." and "This report answers both for this cohort: what a place
    # costs, and what it costs per participant who reliably improved."
    _, data, tables = synthetic
    nan = float("nan")
    none = {"value": nan, "ci_low": nan, "ci_high": nan}
    text = cr.cost_summary_markdown(_summary_with(
        tables, reliable_improvers={"value": 0}, cost_per_reliable_improver=none,
        cash_cost_per_reliable_improver=none), data)
    assert "Nobody reliably improved on" in text
    assert "only the cost per reliable improver has a confidence interval" not in text
    assert ("only a cost per reliable improver would have a confidence interval (a bootstrap interval); nobody "
            "reliably improved, so there is neither the cost nor its interval.") in text
    assert "answers both for this cohort" not in text and "the cost per improver is a cost per person" not in text
    assert "This report answers the first for this cohort, what a place costs; on the second, nobody in it " \
           "reliably improved on" in text
    full = cr.cost_summary_markdown(tables, data)  # with improvers, as before
    assert "answers both for this cohort" in full and "only the cost per reliable improver has a confidence interval" in full


def test_a_cohort_of_one_has_one_place_and_one_person(synthetic):
    # "(1 places)", "the per-participant costs of 1 places", "for the 1 people enrolled"
    _, data, tables = synthetic
    one = _summary_with(tables, enrolled={"value": 1})
    text = cr.cost_summary_markdown(one, data)
    assert "for the 1 person enrolled" in text and "(1 place)" in text and "costs of 1 place." in text
    assert not re.search(r"\b1 (places|people)\b", text)
    statements = " ".join(f.statement for f in cr.cost_findings(one, data))
    assert "(1 place)" in statements and not re.search(r"\b1 places\b", statements)


def test_an_interval_open_above_is_given_as_such_not_as_no_interval(synthetic):
    # 3 of 14 reliably improved: in 82 of 2,000 resamples nobody did, so the upper limit is blank and the
    # table shows "£99,313 to —"; the summary said "no reliable interval could be worked out".
    _, data, tables = synthetic
    nan = float("nan")
    open_above = _summary_with(tables, cost_per_reliable_improver={"ci_high": nan},
                               cash_cost_per_reliable_improver={"ci_high": nan})
    text = cr.cost_summary_markdown(open_above, data)
    low = tables["cost_summary"].set_index("measure").loc["cost_per_reliable_improver", "ci_low"]
    assert "no reliable interval could be worked out" not in text
    assert (f"95% interval from £{low:,.0f}, with no upper limit: in some resamples nobody reliably improved"
            in text)
    assert "improved))" not in text  # no brackets within brackets
    statements = {f.id: f.statement for f in cr.cost_findings(open_above, data)}
    assert any(f"95% bootstrap interval from £{low:,.0f}, with no upper limit" in s for s in statements.values())


def test_a_cohort_in_which_nobody_completed_has_no_cost_per_completer_in_words(synthetic):
    # "0 of 6 completed the programme: **not available** per completer in cash, not available with
    # participants' time."
    _, data, tables = synthetic
    nan = float("nan")
    text = cr.cost_summary_markdown(_summary_with(
        tables, completed={"value": 0}, cost_per_completer={"value": nan},
        cash_cost_per_completer={"value": nan}), data)
    assert "Nobody completed the programme, so there is no cost per completer." in text
    assert "not available per completer" not in text and "0 of" not in text
    statements = {f.id: f.statement for f in cr.cost_findings(_summary_with(
        tables, completed={"value": 0}, cost_per_completer={"value": nan}, cash_cost_per_completer={"value": nan}),
        data)}
    said = [s for s in statements.values() if "per completer" in s]
    assert said and all(s.startswith("Nobody completed") and "not available" not in s for s in said)
