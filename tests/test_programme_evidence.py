"""The evidence summary against the policy's questions: every sentence true of the table it reads."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

from evaluation.data.programme import load_programme_data
from evaluation.reports.programme_report import build
from evaluation.reports.programme_report.evidence import EVIDENCE_COLUMNS, QUESTIONS, design_level


@pytest.fixture(scope="module")
def ltd():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_programme_data("leading-to-deliver")
        return data, build(data)


def test_one_row_per_policy_question_with_every_column(ltd):
    _, report = ltd
    table = report.tables["evidence_summary"]
    assert list(table.columns) == EVIDENCE_COLUMNS
    assert table["question"].tolist() == list(QUESTIONS)
    assert (table[["finding", "strength", "would_strengthen"]].map(len) > 0).all().all()
    # counts in words ("151 rows of the group table are withheld", not "151 row(s)")
    assert not table.map(lambda cell: "(s)" in str(cell)).any().any()
    assert table["consistency"].str.contains(r"\d+ groups withheld|\d+ rows of the group table are").sum() == 2


def test_the_successful_finding_quotes_the_pooled_table(ltd):
    data, report = ltd
    pooled = report.tables["pooled_outcomes"]
    row = pooled[(pooled["scale"] == "leading_change") & (pooled["rater"] == "self")
                 & (pooled["comparison"] == "pre_post") & (pooled["measure"] == "mean_change")].iloc[0]
    finding = report.tables["evidence_summary"].set_index("question").loc["successful", "finding"]
    assert f"{row['estimate']:+.2f} points pooled over {int(row['k'])} cohorts" in finding
    assert f"CI {row['ci_low']:+.2f} to {row['ci_high']:+.2f}" in finding


def test_strength_follows_the_documented_rule(ltd):
    data, report = ltd
    level, with_group = design_level(data)
    assert level == 1 and with_group == [3]  # the shipped comparison group is in cohort 3 only
    row = report.tables["evidence_summary"].set_index("question").loc["successful"]
    # consistent (prediction interval above zero) and line managers clear, but level 1: moderate
    assert row["strength"].startswith("moderate")
    assert "cohort 3 has one" in row["design"]
    assert "Maryland level 3" in row["would_strengthen"]


def test_every_group_named_as_blocked_is_blocked_in_the_table(ltd):
    _, report = ltd
    finding = report.tables["evidence_summary"].set_index("question").loc["blockages", "finding"]
    where = report.tables["where_it_works"]
    # the groups follow "for: " (with none shown blocked on the main outcomes, the finding names scales only)
    groups = finding.split("for: ")[-1] if "for: " in finding else ""
    named = re.findall(r"([a-z ]+?) \((?:line managers'|participants' own) ratings\)", groups)
    blocked = where[where["blocked"].fillna("").astype(str).str.len() > 0]
    from evaluation.reports.programme_report.where import group_words
    words = {group_words(r.dimension, r.category) for r in blocked.itertuples()}
    assert {n.strip() for n in named} <= words


def test_every_group_named_for_access_is_a_disparity_in_the_pooled_table(ltd):
    # the finding read "council area Aberdeen City 0.53 …; ethnicity prefer not to say 4.67 …": the
    # characteristic now follows the group, and each named group is a disparity of the table
    from evaluation.reports.programme_report.evidence import _NAMED
    from evaluation.reports.programme_report.where import group_words

    _, report = ltd
    finding = report.tables["evidence_summary"].set_index("question").loc["access", "finding"]
    equity = report.tables["equity_pooled"]
    gaps = equity[equity["band"] == "disparity"]
    named = re.findall(r"(?:: |; )(.+?) (\d+\.\d\d) times as likely as (.+?) \((\d+\.\d\d) to (\d+\.\d\d)\)",
                       finding)
    assert len(named) == len(gaps) > 0
    for (group, rl, reference, low, high), row in zip(named, gaps.itertuples(), strict=True):
        words = group_words(row.dimension, row.category)
        assert group == (f"{words} ({_NAMED[row.dimension]})" if row.dimension in _NAMED else words)
        assert reference == group_words(row.dimension, row.reference_category)
        assert (rl, low, high) == (f"{row.relative_likelihood:.2f}", f"{row.rl_ci_low:.2f}", f"{row.rl_ci_high:.2f}")
    assert "prefer not to say (ethnicity)" in finding and "ethnicity prefer" not in finding


def test_the_access_finding_names_each_reference_group_and_not_the_populations_make_up(ltd):
    # It read "Places differ clearly from the eligible population's make-up (relative likelihood,
    # 95% CI) for: ... prefer not to say (ethnicity) 4.29 (1.71 to 10.74)": a relative likelihood is
    # against a reference group, not the population's make-up, and that group was not named (for
    # ethnicity it is White other British, the usual one being withheld).
    _, report = ltd
    finding = report.tables["evidence_summary"].set_index("question").loc["access", "finding"]
    assert "make-up" not in finding
    assert "prefer not to say (ethnicity) 4.29 times as likely as White other British (1.71 to 10.74)" in finding
    assert "health sector 1.60 times as likely as local authority (1.08 to 2.37)" in finding


def test_the_blockages_finding_agrees_with_the_group_table_it_sits_above(ltd):
    # It read "No clear change, pooled, on ... Works in partnership (observed; line managers'
    # ratings)" (random-effects pool, -0.01 to +0.20) while the group table's whole-programme row for
    # that scale says "clear improvement" (+0.04 to +0.15, people pooled with cohort as a stratum),
    # and its strength spoke of unclear groups though no group shown was blocked.
    _, report = ltd
    finding = report.tables["evidence_summary"].set_index("question").loc["blockages", "finding"]
    where = report.tables["where_it_works"]
    whole = where[(where["dimension"] == "all") & (where["scale"] == "observed_partnership_working")].iloc[0]
    assert whole["verdict"] == "clear improvement"
    assert "no clear change when the cohorts are pooled (allowing for cohorts to differ)" in finding.lower()
    assert ("on Works in partnership (observed; line managers' ratings) the group table below, which pools people "
            "rather than cohorts and so does not allow for cohorts differing, shows a clear improvement") in finding
    assert "do not allow for cohorts differing" in report.summaries["where"]


def test_the_blockages_finding_counts_the_blocked_crossed_groups_and_says_when_no_group_is_shown(ltd):
    # It read "every group shown on the main outcomes has a clear improvement" while the group table
    # marks 16 crossed groups (e.g. academic × first-line manager) blocked on the main outcomes, and no
    # one-way group is shown for line managers' ratings.
    from evaluation.reports.programme_report.where import DIMENSIONS, headline_populations

    data, report = ltd
    finding = report.tables["evidence_summary"].set_index("question").loc["blockages", "finding"]
    where = report.tables["where_it_works"]
    main = pd.concat([where[(where["scale"] == p.scale) & (where["rater"] == p.rater)]
                      for p in headline_populations(data)])
    crossed = main[main["dimension"].str.contains("×")]
    shown = crossed[crossed["verdict"].fillna("") != ""]
    blocked = shown[shown["blocked"].fillna("") != ""]
    assert len(blocked) > 0
    assert f"{len(blocked)} of the {len(shown)} results shown for crossed groups on the main outcomes" in finding
    assert "(tables/where_it_works.csv) lists them" in finding
    assert "every group shown" not in finding
    one_way = main[main["dimension"].isin(DIMENSIONS)]
    for rater, words in (("line_manager", "line managers' ratings"), ("self", "participants' own ratings")):
        seen = (one_way.loc[one_way["rater"] == rater, "verdict"].fillna("") != "").any()
        said = f"alone can be shown for {words}" in finding
        assert said != seen, rater
    crossed_said = [line for line in report.summaries["where"].split("\n") if line.startswith("- Crossed groups")]
    assert [int(line.split("): ")[1].split(" shown")[0]) for line in crossed_said] == [
        int((shown["rater"] == p.rater).sum()) for p in headline_populations(data)]


def test_the_costs_finding_is_the_programme_row(ltd):
    # the cost per reliable improver is the economic one and is said so, with the cash one beside it
    # (it read "£108,900 per reliable improver" beside "£10,533 per place in cash")
    _, report = ltd
    costs = report.tables["cost_trends"]
    row = costs[costs["level"] == "programme"].iloc[0]
    finding = report.tables["evidence_summary"].set_index("question").loc["costs", "finding"]
    assert f"£{row['cost_per_reliable_improver']:,.0f} per reliable improver including participants' time" in finding
    # the cash figure with its interval too, each named with the data's confidence level (it read
    # "(interval £88,454 to £141,146), £83,289 in cash" though the table has the cash interval)
    pct = f"{row['confidence_level']:.0%}"
    assert (f"(95% interval £{row['cost_per_reliable_improver_ci_low']:,.0f} to "
            f"£{row['cost_per_reliable_improver_ci_high']:,.0f}), ") in finding and pct == "95%"
    assert finding.endswith(f", £{row['cash_cost_per_reliable_improver']:,.0f} in cash (95% interval "
                            f"£{row['cash_cost_per_reliable_improver_ci_low']:,.0f} to "
                            f"£{row['cash_cost_per_reliable_improver_ci_high']:,.0f}).")


def test_no_recommendation_is_made(ltd):
    _, report = ltd
    text = report.summaries["evidence"].lower()
    assert not re.search(r"\b(should|recommend(?:ed|s)?|we advise)\b", text.replace("whether to continue", ""))
    assert "for the commissioners to decide" in text


def test_the_pilots_programme_report_keeps_its_warnings_as_data_notes_not_stderr():
    # The pilot's programme page showed two raw Python warnings (file paths, line numbers and
    # codes) on stderr: one cohort to pool, and groups withheld for a whole dimension. build() now
    # keeps the workbench's warnings as the report's notes table, as a cohort report does.
    from evaluation.core.errors import EvaluationWarning

    data = load_programme_data("collaborative-leadership")
    with warnings.catch_warnings():
        warnings.simplefilter("error", EvaluationWarning)  # one that escaped would fail here
        report = build(data)
    notes = report.tables["notes"]
    assert list(notes.columns) == ["source", "warning", "message"]
    assert {"PoolingWarning", "DisclosureRiskWarning"} <= set(notes["warning"])
    assert "Collaborative Leadership pilot has one cohort with data: nothing is pooled" in " ".join(notes["message"])
    # the withheld groups in words, not the protection's keys ("improved:observed_leading_change:…")
    withheld = notes.loc[notes["warning"] == "DisclosureRiskWarning", "message"].iloc[0]
    assert ("reliable improvers on Leads change (observed; line managers' ratings, before → after) in "
            in withheld)
    assert withheld.startswith("In tables/where_it_works.csv, ")  # the table by its file, not its code
    assert "improved:" not in withheld and "framework_area=" not in withheld
    assert not notes.duplicated().any()


def test_a_report_with_nothing_to_note_has_an_empty_notes_table(ltd):
    notes = ltd[1].tables["notes"]
    assert list(notes.columns) == ["source", "warning", "message"] and notes.empty


def test_the_access_strength_says_what_the_workforce_figures_supplied_are(ltd):
    # it said "the shipped workforce figures are illustrative" whatever figures were supplied
    import dataclasses

    from evaluation.reports.programme_report.evidence import _access

    data, report = ltd
    row = report.tables["evidence_summary"].set_index("question").loc["access"]
    first = next(iter(data))
    used = first.workforce[first.workforce["population"] == first.programme.eligible_population]
    assert used["source"].str.contains("ILLUSTRATIVE").all()  # the shipped figures, every one marked
    assert row["strength"].startswith("every workforce figure used is marked illustrative in workforce.csv")
    published = first.workforce.assign(source="SSSC Workforce Data Report (published)")
    real = dataclasses.replace(data, cohorts={k: dataclasses.replace(c, workforce=published)
                                              for k, c in data.cohorts.items()})
    strength = _access(report.tables, data.confidence_level, real)["strength"]
    assert "illustrative" not in strength and strength.startswith("a disparity shows")


def test_a_one_cohort_programme_says_which_changes_are_clear_only_before_adjusting():
    # the pilot's page listed Partnership working (+0.05 to +0.38 before adjustment; adjusted p 0.054)
    # under "no clear increase", without the adjustment its cohort report names
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_programme_data("collaborative-leadership")
        report = build(data)
    own = report.tables["programme_outcomes"]
    own = own[(own["comparison"] == "pre_post") & own["kirkpatrick_level"].isin([2, 3])]
    finding = report.tables["evidence_summary"].set_index("question").loc["blockages", "finding"]
    titles = next(iter(data)).titles
    flat, _, before = finding.partition("; changes on ")  # titles' asides hold "; " too: split where the part starts
    before = before.split(" but not after")[0]
    assert flat.startswith("No clear change in the one cohort on ")
    for r in own.itertuples():
        title = titles[r.scale].split(" (")[0]  # "Leads change (observed)" is said "Leads change (observed; ...)"
        if r.verdict == "clear_unadjusted_only":
            assert r.change_ci_low > 0 and title in before and title not in flat, title
        elif r.verdict == "no_clear_change":
            assert title in flat and title not in before, title
    assert "are clear before allowing for the number of scales compared, but not after" in finding


@pytest.mark.parametrize(("high", "said"), [(float("nan"), "(90% interval from £80,737, with no upper limit)."),
                                            (200_000.0, "(90% interval £80,737 to £200,000).")])
def test_the_costs_finding_never_reads_pounds_nan(high, said):
    # A pilot cut to 6 participants: the interval of the cost per reliable improver is open above
    # (some resamples had no improver); the finding read "(interval £80,737 to £nan)".
    import pandas as pd

    from evaluation.reports.programme_report.evidence import _costs

    row = {"level": "programme", "cohort": None, "price_base_year": 2024, "cash_cost_per_enrolled": 50_478.0,
           "cost_per_enrolled": 53_825.0, "cost_per_reliable_improver": 161_475.0,
           "cost_per_reliable_improver_ci_low": 80_737.0, "cost_per_reliable_improver_ci_high": high,
           "participant_time_source": "rows", "confidence_level": 0.90}
    finding = _costs({"cost_trends": pd.DataFrame([{**row, "level": "cohort", "cohort": 1}, row])})["finding"]
    assert "nan" not in finding and finding.endswith(said)
    row["cash_cost_per_reliable_improver"] = 120_000.0
    finding = _costs({"cost_trends": pd.DataFrame([{**row, "level": "cohort", "cohort": 1}, row])})["finding"]
    assert finding.endswith(f"per reliable improver including participants' time {said[:-1]}, £120,000 in cash "
                            "(no interval).")
    row.update(cash_cost_per_reliable_improver_ci_low=90_000.0, cash_cost_per_reliable_improver_ci_high=high)
    finding = _costs({"cost_trends": pd.DataFrame([{**row, "level": "cohort", "cohort": 1}, row])})["finding"]
    assert finding.endswith(f", £120,000 in cash ({said[1:-2].replace('80,737', '90,000')}).")


@pytest.mark.parametrize(("pi_low", "said"), [(-0.30, "a new cohort's change would be expected to lie on either side "
                                                       "of no change (prediction interval −0.30 to +1.03)"),
                                              (0.10, "a new cohort's change would be expected to lie on the same "
                                                     "side of no change (prediction interval +0.10 to +1.03)")])
def test_the_consistency_says_where_a_new_cohorts_change_would_lie_in_plain_english(pi_low, said):
    # It read "a new cohort's change would be expected possibly to include no change".
    import pandas as pd

    from evaluation.reports.programme_report.evidence import _consistency

    row = pd.Series({"estimate": 0.36, "k": 5, "i2": 0.70, "pi_low": pi_low, "pi_high": 1.03})
    assert _consistency(row) == f"5 cohorts; large spread (I² 70%); {said}"


def test_a_one_cohort_programme_gives_each_headline_change_its_cohorts_verdict():
    # The pilot's "What is successful?" read "line managers' ratings of Leads change (observed)
    # changed by +0.17 points ... (95% CI −0.05 to +0.40; nothing pooled)" beside a clear change, with
    # level 3 "line managers' ratings not pooled (one cohort)": its cohort's verdict is no clear change.
    from evaluation.reports.programme_report.outcomes import primary_scales

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_programme_data("collaborative-leadership")
        report = build(data)
    own = report.tables["programme_outcomes"]
    row = report.tables["evidence_summary"].set_index("question").loc["successful"]
    verbs = {"clear_increase": " rose clearly, by ", "no_clear_change": " showed no clear change ("}
    said = row["finding"].split("; line managers'")
    primary = primary_scales(next(iter(data)))
    for part, rater in zip(said, ("self", "line_manager"), strict=True):
        verdict = own[(own["scale"] == primary[rater]) & (own["rater"] == rater)
                      & (own["comparison"] == "pre_post")]["verdict"].iloc[0]
        assert verbs[verdict] in part, (rater, part)
    assert row["level_3_evidence"] == "line managers saw no clear change in cohort 1 (nothing pooled)"


@pytest.mark.parametrize(("verdict", "said"), [
    ("clear_increase", "rose clearly, by +0.21 points in the one cohort, cohort 1 (95% CI +0.05 to +0.38; nothing "
                       "pooled)"),
    ("clear_unadjusted_only", "showed no clear change once the number of scales tested is allowed for (+0.21 points "
                              "in the one cohort, cohort 1; 95% CI +0.05 to +0.38, before that allowance; nothing "
                              "pooled)")])
def test_a_change_clear_only_before_adjusting_is_not_said_to_be_clear(verdict, said):
    import pandas as pd

    from evaluation.reports.programme_report.evidence import _change_words, _level_3_words, _verdict

    pooled = pd.Series({"scale": "a", "k": 1, "estimate": float("nan")})
    changes = pd.DataFrame({"cohort": [1], "scale": ["a"], "rater": ["self"], "comparison": ["pre_post"],
                            "mean_change": [0.2125], "change_ci_low": [0.048], "change_ci_high": [0.377],
                            "verdict": [verdict]})
    assert _change_words(pooled, "A", "self", 0.95, changes) == f"participants' own ratings of A {said}"
    words = _level_3_words(*_verdict(pooled, changes, "a", "self"))
    assert ("no clear change" in words) == (verdict != "clear_increase")


@pytest.mark.parametrize(("ci_low", "said", "level_3"), [
    (-0.02, "showed no clear change (+0.09 points pooled over 3 cohorts; 95% CI −0.02 to +0.20)",
     "line managers saw no clear change, pooled"),
    (0.02, "rose clearly, by +0.09 points pooled over 3 cohorts (95% CI +0.02 to +0.20)",
     "line managers saw a clear improvement, pooled")])
def test_a_pooled_change_says_whether_its_interval_is_clear(ci_low, said, level_3):
    import pandas as pd

    from evaluation.reports.programme_report.evidence import _change_words, _level_3_words, _verdict

    pooled = pd.Series({"scale": "a", "k": 3, "estimate": 0.09, "ci_low": ci_low, "ci_high": 0.20})
    changes = pd.DataFrame(columns=["cohort", "scale", "rater", "comparison", "mean_change", "verdict"])
    assert _change_words(pooled, "A", "line_manager", 0.95, changes) == f"line managers' ratings of A {said}"
    assert _level_3_words(*_verdict(pooled, changes, "a", "line_manager")) == level_3


def test_every_group_shown_is_said_to_improve_only_when_none_shown_is_blocked():
    from types import SimpleNamespace

    from evaluation.reports.programme_report.where_blocked import blocked_parts

    def row(dimension, category, verdict, blocked=""):
        return {"dimension": dimension, "category": category, "scale": "a", "rater": "self", "verdict": verdict,
                "blocked": blocked, "completion_share": float("nan"), "mean_change": 0.1, "change_ci_low": -0.1,
                "change_ci_high": 0.3}

    pops = [SimpleNamespace(scale="a", rater="self")]
    clear = [row("sector", "health", "clear improvement"),
             row("role_level × sector", "middle_manager × health", "clear improvement")]
    assert blocked_parts(pd.DataFrame(clear), pops) == [
        "every group shown on the main outcomes (2 results, one-way or crossed) has a clear improvement"]
    stuck = clear + [row("role_level × sector", "frontline × health", "no clear change", "no clear change")]
    said = blocked_parts(pd.DataFrame(stuck), pops)
    assert len(said) == 1 and said[0].startswith("Of the 2 crossed groups that can be shown on the main outcomes")
    assert "only frontline × health sector shows no clear improvement on participants' own ratings." in said[0]


def _crossed(rows):
    from types import SimpleNamespace

    from evaluation.reports.programme_report.where_blocked import blocked_parts

    pops = [SimpleNamespace(scale="a", rater="self"), SimpleNamespace(scale="b", rater="line_manager")]
    frame = pd.DataFrame([{"dimension": d, "category": c, "scale": s, "rater": r, "verdict": v, "blocked": b,
                           "completion_share": float("nan"), "mean_change": m, "change_ci_low": lo,
                           "change_ci_high": hi} for d, c, s, r, v, b, m, lo, hi in rows])
    return blocked_parts(frame, pops)


def test_unclear_crossed_groups_are_set_against_the_whole_programme_and_crossed_groups_explained():
    # It read "16 of the 36 results shown for crossed groups ... show no clear improvement ..., such as
    # academic framework area × first-line manager": in one ~150-word sentence, "crossed groups" unexplained,
    # and no word on whether an unclear (mostly small) group did any worse than the programme as a whole
    whole = [("all", "all", "a", "self", "clear improvement", "", 0.34, 0.30, 0.39),
             ("all", "all", "b", "line_manager", "clear improvement", "", 0.15, 0.09, 0.20)]
    unclear = [("role_level × sector", "frontline × health", "a", "self", "no clear change", "no clear change",
                0.2, -0.1, 0.5),
               ("role_level × sector", "middle_manager × health", "b", "line_manager", "no clear change",
                "no clear change", 0.1, -0.05, 0.25)]
    said = _crossed(whole + unclear)[0]
    assert "(groups defined by two characteristics at once: framework area × role level, or role level × sector)" in said
    assert said.startswith("Both results shown for crossed groups on the main outcomes")
    assert ("The interval of each includes the change over all the programme's people on that outcome, so none is "
            "shown to do worse than the programme as a whole.") in said
    lower = unclear[:1] + [unclear[1][:6] + (-0.3, -0.6, 0.1)]
    said = _crossed(whole + lower)[0]
    assert "none is shown" not in said
    assert ("The interval of 1 of them lies wholly below the change over all the programme's people on that outcome: "
            "middle manager × health sector on line managers' ratings (−0.60 to +0.10, against +0.15)") in said


def test_one_unclear_crossed_group_is_named_without_such_as():
    # the pilot's page: "both results shown for crossed groups ... show no clear improvement (1 on participants'
    # own ratings, 1 on line managers' ratings), such as strategic framework area × senior manager": both are
    # that one group
    whole = [("all", "all", "a", "self", "clear improvement", "", 0.43, 0.20, 0.65),
             ("all", "all", "b", "line_manager", "no clear change", "", 0.1746, -0.05, 0.40)]
    group = ("framework_area × role_level", "strategic × senior_manager")
    one = [group + ("a", "self", "no clear change", "no clear change", 0.3, -0.03, 0.63),
           group + ("b", "line_manager", "no clear change", "no clear change", -0.19, -0.5557, 0.1668)]
    said = _crossed(whole + one)[0]
    assert "such as" not in said and "both results" not in said.lower()
    assert said.startswith("The only crossed group that can be shown on the main outcomes")
    assert "strategic framework area × senior manager, shows no clear improvement on either rating." in said
    # to three places where two would make the interval's end look equal to the programme's change
    assert ("On line managers' ratings (−0.556 to +0.167, against +0.175) its interval lies wholly below the "
            "change over all the programme's people.") in said


def test_the_blockages_finding_is_in_short_sentences_and_its_strength_is_the_right_way_round(ltd):
    # "limited: many groups are compared, so one unclear group may be chance" had it backwards: many
    # comparisons make a chance CLEAR result likely; an unclear small group may just have too few people
    _, report = ltd
    row = report.tables["evidence_summary"].set_index("question").loc["blockages"]
    assert "one unclear group may be chance" not in row["strength"]
    assert "a small group's unclear change may mean too few people rather than a blockage" in row["strength"]
    assert "a clear one may be chance" in row["strength"]
    sentences = re.split(r"(?<=\.) (?=[A-Z0-9])", row["finding"])
    assert len(sentences) >= 4 and max(len(s.split()) for s in sentences) < 70


def test_the_cost_strength_does_not_call_estimated_costs_counted(ltd):
    # "counted money has no sampling error": the economic cost includes participants' time, worked out
    # from hours × an hourly cost (an assumption the cohort reports vary), and one-off costs are shared by rule
    _, report = ltd
    row = report.tables["evidence_summary"].set_index("question").loc["costs"]
    assert "counted money" not in row["strength"]
    assert row["strength"].startswith("the costs are each cohort's whole costs, not estimated from a sample, but "
                                      "some inputs are assumptions (the value of participants' time")
