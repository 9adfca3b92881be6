"""Issue 11, item 2: one rule per verdict — each sentence of the summary is true of the row it cites.

For every scale the summary names, the test reads back from the text the verdict and the
interval quoted beside it and checks them against the table row: a scale called clear has an
adjusted p below α and a quoted interval that excludes no change; a scale of "no clear change"
has a quoted interval that includes it; the in-between case (clear on its own, not after the
adjustment) is said in so many words. Over random families of scales, over every shipped cohort
and over cohorts drawn afresh by the synthetic generator (other seeds, other confidence levels
and adjustments), self-ratings and line managers' alike.
"""

from __future__ import annotations

import functools
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from evaluation.data.cohort import load_cohort_data
from evaluation.reports import outcome_report
from evaluation.reports.labels import aside_opening
from evaluation.reports.numbers import number
from evaluation.reports.verdicts import classify_text, verdict_sentences, verdicts
from tests.conftest import read_number, shipped_cohorts

LEVEL = 0.95


@functools.cache
def _built(programme: str, cohort: int):
    """A shipped cohort's data and outcome tables, built once per test session (read-only use)."""
    data = load_cohort_data(programme, cohort)
    return data, outcome_report.outcome_tables(data)


def _quoted(text: str, title: str) -> tuple[float, float, float]:
    """The change and interval quoted after a scale's title."""
    m = re.search(re.escape(aside_opening(title)) + r"([+−]?\d+\.\d\d) points(?: on the \d+–\d+ scale)?, \d+% confidence interval "
                  r"([+−]?\d+\.\d\d) to ([+−]?\d+\.\d\d)", text)
    assert m, f"{title!r} is not quoted with its change and interval"
    return read_number(m.group(1)), read_number(m.group(2)), read_number(m.group(3))


def _check(text: str, rows: pd.DataFrame, titles: dict, alpha: float) -> list[str]:
    """Each named scale's verdict and quoted numbers against its row; returns the verdicts read."""
    read = []
    for r in rows.itertuples():
        title = titles[r.scale]
        said = classify_text(text, title)
        if pd.isna(r.mean_change):
            assert title in text and said is None
            continue
        change, low, high = _quoted(text, title)
        assert (change, low, high) == tuple(
            round(x, 2) for x in (r.mean_change, r.change_ci_low, r.change_ci_high))
        clear = r.p_adjusted < alpha
        if said in ("clear_increase", "clear_decrease"):
            assert clear and (r.change_ci_low > 0 or r.change_ci_high < 0)
            assert (said == "clear_increase") == (r.mean_change > 0)
        elif said == "clear_unadjusted_only":
            assert not clear and (r.change_ci_low > 0 or r.change_ci_high < 0)
        elif said == "no_clear_change":
            assert not clear and r.change_ci_low <= 0 <= r.change_ci_high
        else:
            raise AssertionError(f"{title!r}: no verdict in the text")
        read.append(said)
    return read


@pytest.mark.parametrize("seed", range(40))
def test_random_families_get_sentences_true_to_their_rows(seed):
    # A family of 2 to 8 scales with paired-t results (n pairs, mean, SD), Holm-adjusted by
    # statsmodels' multipletests — the reference for the adjustment — then rendered and read back.
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 9))
    n = rng.integers(8, 120, size=k)
    mean = rng.normal(0.1, 0.15, size=k)
    sd = rng.uniform(0.3, 0.9, size=k)
    se = sd / np.sqrt(n)
    t = mean / se
    p = 2 * stats.t.sf(np.abs(t), n - 1)
    half = stats.t.ppf(0.5 + LEVEL / 2, n - 1) * se
    adjusted = multipletests(p, method="holm")[1]
    outcomes = pd.DataFrame({"scale": [f"s{i}" for i in range(k)], "kirkpatrick_level": 2, "comparison": "pre_post",
                             "rater": "self", "n_pairs": n, "mean_change": mean, "change_ci_low": mean - half,
                             "change_ci_high": mean + half, "p_value": p, "p_adjusted": adjusted})
    titles = {f"s{i}": f"Scale {chr(65 + i)}" for i in range(k)}
    table = verdicts(outcomes, comparison="pre_post", rater="self", alpha=1 - LEVEL)
    text = verdict_sentences(table, titles, confidence_level=LEVEL, who="Participants rated themselves")
    read = _check(text, outcomes, titles, 1 - LEVEL)
    assert len(read) == k
    if "clear_unadjusted_only" in read:
        assert f"testing {k} scales at once" in text


@pytest.mark.parametrize("programme, cohort", shipped_cohorts(("leading-to-deliver", 2)))
def test_every_shipped_cohorts_summary_is_true_to_its_table(programme, cohort):
    _check_summary(*_built(programme, cohort))


@pytest.mark.slow
@pytest.mark.parametrize("seed, programme, cohort, changes", [
    (101, "collaborative-leadership", 1, {}),
    (202, "leading-to-deliver", 3, {}),
    (303, "collaborative-leadership", 1, {"confidence_level": 0.90, "multiplicity": "bh"}),
    (404, "leading-to-deliver", 5, {"confidence_level": 0.99}),
])
def test_randomly_generated_cohorts_summaries_are_true_to_their_tables(tmp_path, seed, programme, cohort, changes):
    # A cohort drawn afresh by the synthetic generator under another seed (other people, other
    # answers, other verdicts), some under other parameters, then ingested and summarised.
    import shutil

    import yaml

    from evaluation.core.paths import PARAMS_DIR
    from evaluation.data.ingest import ingest
    from evaluation.data.pseudonymise import Key
    from evaluation.data.synthetic import synthesise

    params = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    cohort_file = params / programme / f"cohort-{cohort}.yaml"
    cohort_file.write_text(yaml.safe_dump({**yaml.safe_load(cohort_file.read_text()), **changes}))
    synthesise(tmp_path / "data", params, seed=seed, programmes=[programme])
    ingest(programme, data_dir=tmp_path / "data", params_dir=params, key=Key(b"verdict-test-key-0123456789", "test key"))
    data = load_cohort_data(programme, cohort, data_dir=tmp_path / "data", params_dir=params)
    assert data.cohort.confidence_level == changes.get("confidence_level", 0.95)
    _check_summary(data, outcome_report.outcome_tables(data))


def _check_summary(data, tables) -> None:
    """Every verdict, interval, share and figure of the outcome summary against its table row."""
    summary = outcome_report.outcome_summary(tables, data)
    out = tables["outcomes"]
    first = data.cohort.comparisons[0]
    alpha = 1 - data.cohort.confidence_level
    titles = {s: str(t) for s, t in data.titles.items()}
    paragraphs = {p.split("**")[1]: p.split("** ", 1)[1] for p in summary.split("\n\n") if p.startswith("**")}
    self_rows = out[(out["comparison"] == first) & (out["rater"] == "self") & (out["kirkpatrick_level"] == 2)]
    _check(paragraphs["What changed: participants' own ratings."], self_rows, titles, alpha)
    reliable = paragraphs.get("How many people reliably improved.", "")
    for rater in set(out.loc[out["comparison"] == first, "rater"]) - {"self"}:
        rows = out[(out["comparison"] == first) & (out["rater"] == rater)]
        read = _check(paragraphs[f"What {rater.replace('_', ' ')}s saw."], rows, titles, alpha)
        assert len(read) == rows["mean_change"].notna().sum()  # line managers get verdicts too
        _check_reliable(reliable.split(f"By their {rater.replace('_', ' ')}s' ratings: ")[1], rows, titles)
    _check_reliable(reliable.split("By their own ratings: ")[1].split(" By their ")[0], self_rows, titles)
    # durability: the follow-up paragraph is true to the pre → follow-up rows
    follow = out[(out["comparison"] == "pre_follow_up") & (out["rater"] == "self") & (out["kirkpatrick_level"] == 2)]
    if "pre_follow_up" in data.cohort.comparisons and len(follow):
        _check(paragraphs["Did it last? (follow-up)."], follow, titles, alpha)
    else:
        assert "Did it last? (follow-up)." not in paragraphs
        assert "whether the change lasted cannot be judged" in paragraphs["What the data cannot show."]
    # reaction (level 1): the mean and the count are those of the reaction table
    for r in tables["reaction"].itertuples():
        assert f"{int(r.n)} participants answered" in summary and f"{r.mean:.2f} points on the 1–5 scale" in summary
    assert "results for services" in paragraphs["What the data cannot show."]
    # no unexplained statistical names in the commissioners' summary
    for word in ("d_z", "g_av", "Holm", "Benjamini", "Jacobson", "Truax", "Maryland", "Katz", " CI ", "p-value",
                 "pre_post", "follow_up", "_"):
        assert word not in summary, word


def _check_reliable(text: str, rows: pd.DataFrame, titles: dict) -> None:
    """Each scale's share who reliably improved (and got worse) as quoted, against its row."""
    for r in rows.dropna(subset=["rci_improved"]).itertuples():
        quoted = f"{titles[r.scale]} {r.rci_improved:.0%} ({r.rci_deteriorated:.0%} reliably got worse)"
        assert quoted in text, quoted


@pytest.mark.parametrize("programme, cohort", shipped_cohorts(("leading-to-deliver", 2)))
def test_sizes_of_change_are_true_to_g_av_and_its_interval(programme, cohort):
    # "small / medium / large" come from g_av and its bootstrap interval as shown (two decimals),
    # by Cohen's (1988) benchmarks 0.2, 0.5, 0.8: read each line back and check it against its row.
    data, tables = _built(programme, cohort)
    text = outcome_report.effect_size_text(tables, data)
    out = tables["outcomes"]
    rows = out[(out["comparison"] == data.cohort.comparisons[0]) & out["kirkpatrick_level"].isin([2, 3])]
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(lines) == rows["g_av"].notna().sum()
    cohen = {0: "negligible", 1: "small", 2: "medium", 3: "large"}
    for line, r in zip(lines, rows.dropna(subset=["g_av"]).itertuples(), strict=True):
        m = re.search(r"g_av (−?\d\.\d\d) \(\d+% bootstrap interval (−?\d\.\d\d) to (−?\d\.\d\d)\): (\w+);", line)
        assert m and aside_opening(data.titles[r.scale]) in line, line
        g, low, high = (read_number(m.group(i)) for i in (1, 2, 3))
        assert (g, low, high) == tuple(round(x, 2) for x in (r.g_av, r.g_av_ci_low, r.g_av_ci_high))
        assert m.group(4) == cohen[int(np.searchsorted([0.2, 0.5, 0.8], abs(g), side="right"))]
        assert ("includes no change" in line) == (low <= 0 <= high)


@pytest.mark.parametrize("programme, cohort", shipped_cohorts(("collaborative-leadership", 1)))
def test_who_the_results_are_about_is_true_to_each_scales_number_of_pairs(programme, cohort):
    # The summary said "23 have questionnaire scores both before … and after …, and the results below
    # are about them": 23 is the primary scale's pairs; the other scales' results are about 21 to 25.
    data, tables = _built(programme, cohort)
    text = outcome_report.outcome_summary(tables, data)
    line = next(line for line in text.splitlines() if line.startswith("**Who took part.**"))
    flow = tables["attrition"].query("section == 'flow'").set_index("stage")["n"]
    out = tables["outcomes"]
    pairs = out[(out["comparison"] == data.cohort.comparisons[0]) & (out["rater"] == "self")]["n_pairs"].dropna()
    primary = f"{int(flow['scored_both'])} have a score on {data.titles[data.primary_scale]} (self-rated) both"
    assert primary in line
    assert int(flow["scored_both"]) == int(pairs[out["scale"] == data.primary_scale].iloc[0])
    if pairs.nunique() > 1:
        assert f"from {int(pairs.min())} to {int(pairs.max())} people on the self-rated scales" in line
        assert "results below are about them" not in line
    else:
        assert line.endswith("and the results below are about them.")


def test_a_p_value_too_small_for_a_double_is_shown_as_below_0_001(monkeypatch):
    # Issue 11, item 5: a p below the smallest double (the mixed model's intercept had Wald z ≈ 50,
    # p = 2·Φ(−50) < 1e-300) is 0.0 as a double; the CSV keeps 0.0 (numeric) and the report shows
    # "< 0.001", never 0.0 or 0.000. Since issue 13 the intercepts' p come from t on Satterthwaite
    # df (about 1e-70 to 1e-100 here), so the tiniest are set to 0.0 as such a p would be stored.
    from evaluation.reports import display as display_module
    from evaluation.reports.verdicts import format_p

    model = _built("leading-to-deliver", 2)[1]["mixed_model"]
    assert (model["p_value"] < 1e-60).any() and pd.api.types.is_float_dtype(model["p_value"])
    model = model.assign(p_value=model["p_value"].where(model["p_value"] >= 1e-60, 0.0))
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    display_module.show_table(model, 3, columns=["scale", "term", "p_value"])
    cells = re.findall(r"<td>([^<]*)</td>", shown[0])
    assert "&lt; 0.001" in cells and not any(c in ("0.0", "0.000", "0") for c in cells)
    assert [format_p(p) for p in (0.0, 1e-4, 0.0404, float("nan"))] == ["< 0.001", "< 0.001", "0.040", "–"]


def test_scale_titles_in_the_summary_are_written_as_the_tables_write_them():
    # The hindsight and drop-out sentences lower-cased the scale's title ("scored leading change
    # 0.26 points lower"), which the tables and the rest of the summary write "Leading change"; a
    # title with a name or an acronym in it would have lost its capitals.
    data, tables = _built("leading-to-deliver", 2)
    text = outcome_report.outcome_summary(tables, data)
    assert "participants scored Leading change 0." in text
    assert "points lower on Leading change than those with a score at the end" in text
    assert "leading change" not in text


def test_hindsight_states_a_direction_only_when_its_interval_excludes_no_shift():
    # The then-test paragraph said "change measured against the then-test is larger" for the
    # Collaborative Leadership pilot, whose response shift on Leading change is +0.17 with a 95%
    # interval of -0.06 to +0.41 (p = 0.14): a direction the table does not support.
    for programme, cohort in (("leading-to-deliver", 2), ("collaborative-leadership", 1)):
        data, tables = _built(programme, cohort)
        text = outcome_report.outcome_summary(tables, data)
        line = next(x for x in text.splitlines() if x.startswith("**Hindsight.**"))
        shift = tables["response_shift"].query("scale == @data.primary_scale and rater == 'self'").iloc[0]
        clear = bool(shift["ci_low"] > 0 or shift["ci_high"] < 0)
        # the interval is quoted in the paragraph's own words, never as signed numbers beside
        # "lower" (Leading to Deliver's read "0.26 points lower ... (95% CI +0.15 to +0.36)")
        low, high = shift["ci_low"], shift["ci_high"]
        if clear:
            assert f"confidence interval {low:.2f} to {high:.2f} points lower)" in line
        else:
            assert (f"confidence interval from {abs(low):.2f} points higher to {high:.2f} points lower)"
                    in line)
        assert "+" not in line and "\u2212" not in line
        assert ("is larger than change from the original questionnaire" in line) is clear
        assert ("do not show that their standards moved" in line) is (not clear)
        # each verdict is said of its scale; another scale whose range excludes no shift is not denied
        title = data.titles[data.primary_scale]
        assert f"their standards moved on {title}." in line or f"so change on {title} measured" in line
        others = tables["response_shift"].query("scale != @data.primary_scale and rater == 'self'")
        for o in others.itertuples():
            named = f" {data.titles[o.scale]} {abs(o.mean_shift):.2f} points" in line
            assert named is bool(o.ci_low > 0 or o.ci_high < 0), o.scale
    assert not clear  # the pilot's shift is the unclear case
    # the pilot's page read "... includes no difference, so these data do not show that their standards moved."
    # beside a Partnership working shift of 0.19 (95% CI 0.03 to 0.36)
    assert "On another scale the range lies wholly on one side of no shift" in line and " Partnership working 0.19 points lower" in line


def test_people_without_a_later_score_are_not_called_drop_outs():
    # "Who dropped out. 15 people ... have no score at the end" beside "95 completed" of 104:
    # 9 left the programme; the other 6 completed it but have no end score. The paragraph called
    # all 15 drop-outs and compared them with "those who stayed".
    data, tables = _built("leading-to-deliver", 2)
    text = outcome_report.outcome_summary(tables, data)
    assert "dropped out" not in text and "those who stayed" not in text and "left the programme" not in text
    line = next(x for x in text.splitlines() if x.startswith("**Who is missing at the end.**"))
    assert "15 people with a score before the programme have no score at the end" in line
    assert "whether or not they completed the programme" in line



@pytest.mark.parametrize(("missing", "said"), [
    (0, "**Who is missing at the end.** No one: everyone with a score before the programme has a score at the "
        "end of the programme."),
    (1, "**Who is missing at the end.** 1 person with a score before the programme has no score at the end of "
        "the programme: too few (fewer than 5) to publish how they started."),
    (3, "**Who is missing at the end.** 3 people with a score before the programme have no score at the end of "
        "the programme: too few (fewer than 5) to publish how they started."),
])
def test_who_is_missing_at_the_end_is_said_in_words_true_of_its_count(missing, said):
    # A cohort of 8 (the first 8 of cohort 2) read "1 people with a score before the programme have
    # no score at the end", and one of 3, where everyone answered at the end, "0 people ... have no
    # score at the end of the programme: too few (fewer than 5) to publish how they started".
    data, tables = _built("leading-to-deliver", 2)
    attrition = tables["attrition"].copy()
    row = (attrition["section"] == "baseline_comparison") & (attrition["scale"] == data.primary_scale)
    attrition.loc[row, "n_without_later"] = missing
    attrition.loc[row, "suppressed"] = "primary"  # as the table has it below the threshold
    text = outcome_report.outcome_summary({**tables, "attrition": attrition}, data)
    assert next(x for x in text.splitlines() if x.startswith("**Who is missing at the end.**")) == said

def test_a_confidence_level_of_97_5_percent_is_written_97_5_percent_everywhere():
    # The sentences wrote int(round(level × 100))%: at a cohort's confidence_level of 0.975 they
    # said "98% confidence interval" beside figures labelled "97.5% CI". Every summary and finding
    # now writes the level as the figures do (reports.numbers.level_percent).
    import dataclasses

    from evaluation.reports import cost_report, equity_report

    data, _ = _built("leading-to-deliver", 2)
    data = dataclasses.replace(data, cohort=data.cohort.model_copy(update={"confidence_level": 0.975}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = outcome_report.outcome_tables(data)
        costs = cost_report.cost_tables(data, comparison=False)
        equity = equity_report.equity_tables(data)
    texts = [outcome_report.outcome_summary(outcome, data), outcome_report.effect_size_text(outcome, data),
             cost_report.cost_summary_markdown(costs, data), equity_report.equity_summary(equity, data)]
    texts += [f.statement for f in outcome_report.outcome_findings(outcome, data)]
    text = "\n".join(texts)
    assert text.count("97.5%") > 10
    assert "98%" not in text and "95%" not in text


@pytest.mark.parametrize(("shift", "low", "high", "said"), [
    (0.26, 0.15, 0.36, "scored X 0.26 points lower than they had at the time (95% confidence interval 0.15 to "
                       "0.36 points lower), so change on X measured against the then-test is larger"),
    (-0.26, -0.36, -0.15, "scored X 0.26 points higher than they had at the time (95% confidence interval 0.15 "
                          "to 0.36 points higher), so change on X measured against the then-test is smaller"),
    (0.17, -0.06, 0.41, "scored X 0.17 points lower than they had at the time on average, but the range (95% "
                        "confidence interval from 0.06 points higher to 0.41 points lower) includes no difference"),
])
def test_hindsight_says_its_interval_in_the_words_of_its_direction(shift, low, high, said):
    from evaluation.reports.outcome_summary import _hindsight

    text = _hindsight(pd.DataFrame({"scale": ["x"], "mean_shift": [shift], "ci_low": [low], "ci_high": [high]}),
                      "x", {"x": "X"}, "95%")
    assert said in text


@pytest.mark.parametrize(("answered", "said"), [
    (3, "3 participants answered the questions on Reaction to the programme at the end of the programme: on average "
        "they gave 3.57 points on the 1–5 scale"),
    (1, "1 participant answered the questions on Reaction to the programme at the end of the programme: their "
        "answers averaged 3.57 points on the 1–5 scale"),
])
def test_the_reaction_paragraph_says_what_the_reaction_table_publishes(answered, said):
    # A cohort of 3 read "Fewer than 5 participants answered the questions on Reaction to the
    # programme, too few to report" above a reaction table that published n = 3, mean 3.57: the
    # whole cohort's reaction is not suppressed (CONTRACT 5.3), so the summary says what it is.
    data, tables = _built("leading-to-deliver", 2)
    reaction = tables["reaction"].assign(n=answered, mean=3.5666666666666664)
    text = outcome_report.outcome_summary({**tables, "reaction": reaction}, data)
    line = next(x for x in text.splitlines() if x.startswith("**What participants thought of the programme"))
    assert said in line and "too few" not in line


def test_a_g_av_without_an_interval_is_said_without_one():
    # Where the bootstrap gives no interval (2 pairs, or too few resamples that vary) the findings,
    # the sizes of change and the forest plot's alternative text read "(95% bootstrap CI n/a to n/a)".
    from evaluation.viz.outcome_plots import forest_plot

    data, tables = _built("leading-to-deliver", 2)
    out = tables["outcomes"].copy()
    row = (out["comparison"] == "pre_post") & (out["rater"] == "self") & (out["scale"] == data.primary_scale)
    out.loc[row, ["g_av_ci_low", "g_av_ci_high"]] = float("nan")
    g = number(float(out.loc[row, "g_av"].iloc[0]))
    finding = next(f for f in outcome_report.outcome_findings({**tables, "outcomes": out}, data)
                   if f.id == f"outcomes.pre_post.self.{data.primary_scale}.g_av")
    assert f"g_av {g}, " in finding.statement and finding.statement.endswith("; no interval could be computed.")
    sizes = outcome_report.effect_size_text({**tables, "outcomes": out}, data)
    assert f"- Leading change (own rating): g_av {g}: " in sizes
    plot = forest_plot(out, comparison="pre_post", rater="self", titles=data.titles)
    assert f"Leading change: g_av {g} (no interval)" in plot.alt
    for text in (finding.statement, sizes, plot.alt):
        assert not re.search(r"n/a|\bnan\b", text)


@pytest.mark.parametrize(("pairs", "said"), [
    ([7, 6, 7, 7, 7, 7], "These results are about the 6 to 7 participants (depending on the scale) with scores both"),
    ([7] * 6, "These results are about the 7 participants with scores both before the programme and at follow-up."),
    ([1] * 6, "These results are about the 1 participant with scores both before the programme and at follow-up."),
])
def test_the_follow_up_paragraph_says_depending_on_the_scale_only_when_it_depends(pairs, said):
    # A cohort of 8 whose every scale had 7 people at follow-up read "about the 7 participants
    # (depending on the scale)": it did not depend on the scale.
    data, tables = _built("leading-to-deliver", 2)
    out = tables["outcomes"].copy()
    rows = (out["comparison"] == "pre_follow_up") & (out["rater"] == "self") & (out["kirkpatrick_level"] == 2)
    assert rows.sum() == len(pairs)
    out.loc[rows, "n_pairs"] = pairs
    text = outcome_report.outcome_summary({**tables, "outcomes": out}, data)
    assert said in next(x for x in text.splitlines() if x.startswith("**Did it last? (follow-up).**"))
