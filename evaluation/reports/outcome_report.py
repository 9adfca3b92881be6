"""The outcomes report: a cohort's pre/post tables, its findings and its summary.

The report notebook calls this module and displays what it returns; it computes nothing
itself. Everything here is deterministic: the same processed data and parameters give the
same tables and findings to the last digit.

* :func:`outcome_tables` computes every table of the outcomes report.
* :func:`outcome_findings` derives the headline findings from those tables (also used by
  reviewers to re-derive them).
* :func:`outcome_summary` writes the plain-language summary for commissioners
  (:mod:`~evaluation.reports.outcome_summary`) and :func:`effect_size_text` the sizes of the
  changes for the detail (:mod:`~evaluation.reports.outcome_text`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.core.vocabulary import COMPARISONS, WAVES
from evaluation.data.cohort import CohortData, rci_reliability, scale_info
from evaluation.reports.breakdowns import breakdowns
from evaluation.reports.breakdowns_text import breakdowns_text
from evaluation.reports.comparison_group import (
    DESIGN_LABEL_SINGLE_GROUP,
    comparison_group_table,
    design_label,
)
from evaluation.reports.disclosure_plan import (
    BREAKDOWN_DIMENSIONS,
    disclosure_plan,
    prepared_scores,
)
from evaluation.reports.findings import ReportResult, collect_warnings
from evaluation.reports.labels import WAVE_LABELS, and_list
from evaluation.reports.outcome_summary import outcome_summary
from evaluation.reports.outcome_text import (
    WAVE_MEANS_TEXT,
    WAVE_WORDS,
    effect_size_text,
    mixed_model_text,
    no_mixed_model_text,
    outcome_findings,
    raters_text,
    reliability_text,
)
from evaluation.stats import outcomes as oc

__all__ = [
    "BREAKDOWN_DIMENSIONS",
    "attrition_flow",
    "DESIGN_LABEL",
    "PUBLISHED",
    "WAVE_MEANS_TEXT",
    "build",
    "design_label",
    "effect_size_text",
    "for_whom_text",
    "mixed_model_shown",
    "mixed_model_text",
    "no_mixed_model_text",
    "outcome_findings",
    "outcome_summary",
    "outcome_tables",
    "outcomes",
    "raters_text",
    "reliability_table",
    "reliability_text",
    "scored_waves",
]

#: The design without a comparison group, in the words of the report's methods section (the summary
#: says it in plain words); with one, :func:`design_label` gives level 3's words.
DESIGN_LABEL = DESIGN_LABEL_SINGLE_GROUP


#: Statistics of ``attrition.csv``'s baseline comparison that describe one group (or both).
_WITH_LATER = ["mean_with_later", "sd_with_later"]
_WITHOUT_LATER = ["mean_without_later", "sd_without_later"]
_BOTH = ["mean_difference", "ci_low", "ci_high", "t", "df", "p_value", "hedges_g", "g_ci_low", "g_ci_high"]


def _in_instrument_order(table: pd.DataFrame, scales: pd.Index) -> pd.DataFrame:
    """``table``'s rows with its scales in the instruments' order, as the outcomes table has them
    (the statistics sort them by code); within a scale, rows keep their order."""
    position = {s: i for i, s in enumerate(scales)}
    order = table["scale"].map(lambda s: position.get(s, len(position)))
    return table.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _small_groups_withheld(baseline: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Withhold the baseline statistics of a group of 1 to threshold − 1 people (and the comparison).

    The numbers with and without a later score are whole-cohort counts and stay; the means and
    SDs of a group that small, and every statistic comparing the two groups, become missing, and
    ``suppressed`` says ``primary``.
    """
    out = baseline.copy()
    out["suppressed"] = ""
    for n_column, columns in (("n_with_later", _WITH_LATER), ("n_without_later", _WITHOUT_LATER)):
        small = out[n_column].between(1, threshold - 1)
        out.loc[small, [*columns, *_BOTH]] = np.nan
        out.loc[small, "suppressed"] = "primary"
    return out


#: The questionnaires (besides the then-test) a scale × rater needs for the mixed model.
MODEL_WAVES = 3


def _three_waves_or_more(fit: pd.DataFrame) -> pd.DataFrame:
    """The rows of the scale × rater fits with scores at :data:`MODEL_WAVES` or more waves.

    A fit has an ``intercept`` and one ``wave[...]`` term per later wave with a score, so a
    scale × rater scored at two waves only (a rater who answered before and after, while the
    participants also answered at follow-up) has two terms and is dropped: its change is the
    outcomes table's.

    Examples
    --------
    >>> fit = pd.DataFrame({"scale": ["a"] * 3 + ["b"] * 2, "rater": "self",
    ...                     "term": ["intercept", "wave[post]", "wave[follow_up]", "intercept", "wave[post]"]})
    >>> _three_waves_or_more(fit)["scale"].unique().tolist()
    ['a']
    """
    if not len(fit):
        return fit
    terms = fit.groupby(["scale", "rater"], sort=False)["term"].transform("size")
    return fit[terms >= MODEL_WAVES].reset_index(drop=True)


def for_whom_text(tables: dict[str, pd.DataFrame]) -> str:
    """The words above the change-by-group table (:func:`~evaluation.reports.breakdowns_text.breakdowns_text`)."""
    out = tables["outcomes"]
    pairs = bool(((out["rater"] == "self") & (out["kirkpatrick_level"] == 2) & (out["n_pairs"] > 0)).any())
    return breakdowns_text(tables["breakdowns"], BREAKDOWN_DIMENSIONS, has_pairs=pairs)


def mixed_model_shown(model: pd.DataFrame) -> pd.DataFrame:
    """The mixed model's table as the report shows it: the reference rows (``intercept``, the mean
    at the first wave) without the interval and p-value, which test only whether that mean is zero
    (``tables/mixed_model.csv`` keeps them). The input is not changed.

    Examples
    --------
    >>> fit = pd.DataFrame({"term": ["intercept", "wave[post]"], "estimate": [3.2, 0.3], "ci_low": [3.0, 0.1],
    ...                     "ci_high": [3.4, 0.5], "p_value": [1e-80, 0.002]})
    >>> mixed_model_shown(fit)["p_value"].tolist(), fit["p_value"].tolist()
    ([nan, 0.002], [1e-80, 0.002])
    """
    shown = model.copy()
    shown.loc[shown["term"] == "intercept", ["ci_low", "ci_high", "p_value"]] = np.nan
    return shown


def reliability_table(data: CohortData) -> pd.DataFrame:
    """The published ``reliability`` table: alpha (Feldt CI) and omega total per scale × wave × rater.

    Scales in instrument order, the cohort's waves in time order; computed at ingest
    (:func:`evaluation.data.scoring.reliability`) and selected here.
    """
    info = scale_info(data)
    rel = data.reliability.copy()
    rel["wave"] = pd.Categorical(rel["wave"], categories=[w for w in data.cohort.waves], ordered=True)
    order = {s: i for i, s in enumerate(info.index)}
    rel = rel.dropna(subset=["wave"]).assign(_o=rel["scale"].map(order)).sort_values(["_o", "wave", "rater"])
    return rel[["scale", "wave", "n", "k_items", "alpha", "alpha_ci_low", "alpha_ci_high",
                "omega_total", "rater", "instrument"]].assign(wave=lambda d: d["wave"].astype(str)) \
        .reset_index(drop=True)


def outcomes(data: CohortData, scores: pd.DataFrame | oc.PreparedScores | None = None, **overrides) -> tuple[pd.DataFrame, list[dict]]:
    """The published ``outcomes`` table, with the cohort's parameters unless ``overrides`` say otherwise.

    Parameters
    ----------
    data : CohortData
    scores : DataFrame or PreparedScores, optional
        Scale scores to use instead of the cohort's (a subgroup's), or the cohort's already
        passed through :func:`evaluation.stats.outcomes.prepare_scores`; the reliability for
        reliable change and the scales' properties stay the cohort's.
    **overrides
        ``comparisons``, ``confidence_level``, ``multiplicity``, ``reliability``, ``resamples``,
        ``seed`` for :func:`evaluation.stats.outcomes.outcomes_table` (the bootstrap of g_av's
        interval defaults to the cohort's ``bootstrap`` parameters).

    Returns
    -------
    DataFrame, list of dict
        The table and the report notes (warnings about degenerate data).
    """
    coh = data.cohort
    settings = {"comparisons": coh.comparisons, "confidence_level": coh.confidence_level,
                "multiplicity": coh.multiplicity, "reliability": rci_reliability(data),
                "resamples": coh.bootstrap.resamples, "seed": coh.bootstrap.seed}
    settings.update({k: v for k, v in overrides.items() if v is not None})
    info = scale_info(data)
    notes: list[dict] = []
    table = collect_warnings(notes, "outcomes", lambda: oc.outcomes_table(
        data.scale_scores if scores is None else scores, **settings,
        scale_info=info[["kirkpatrick_level", "higher_is_better"]]))
    return table, notes


def _waves_per_scale(scores: pd.DataFrame) -> dict[str, int]:
    """How many distinct waves (a missing wave counts as one) each scale has rows at.

    As ``scores.groupby("scale", observed=True)["wave"].nunique(dropna=False)``, on integer codes
    of the whole columns (grouping Arrow-backed text costs about a second per 2.5 million rows).
    """
    scale, scales = _column_codes(scores["scale"])
    wave, waves = _column_codes(scores["wave"])
    wave = np.where(wave < 0, len(waves), wave)  # a missing wave: one more value
    waves = [*waves, None]
    kept = scale >= 0
    pairs = np.unique(scale[kept].astype(np.int64) * max(len(waves), 1) + wave[kept])
    counts = np.bincount(pairs // max(len(waves), 1), minlength=len(scales))
    return {str(name): int(n) for name, n in zip(scales, counts, strict=True) if n}


def _column_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1: missing) and values of a column: a categorical's own, else by factorising."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), values.cat.categories.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values)
    return codes, np.asarray(uniques, dtype=object)


def unlisted_waves_note(data: CohortData) -> list[dict]:
    """A note for scores at a wave the cohort's parameters do not list: in the data, never analysed.

    A follow-up questionnaire answered by a cohort whose ``waves`` stop at ``post`` was dropped
    without a word; the parameters decide the analysis, and the report says what they left out.
    The file is named within the parameters folder, whichever folder ``--params-dir`` chose.
    """
    # the distinct waves only (a categorical's codes): never a string per score, 40 million at national scale
    observed = [str(w) for w in data.scale_scores["wave"].unique() if not pd.isna(w)]
    unlisted = [w for w in WAVES if w in observed and w not in data.cohort.waves]
    if not unlisted:
        return []
    one = len(unlisted) == 1
    return [{"source": "outcomes", "warning": "Note", "message":
             f"Scores at the {and_list(WAVE_LABELS[w] for w in unlisted)} "
             f"questionnaire{'' if one else 's'} are in the data, but the cohort's parameters "
             f"({data.programme.name}/cohort-{data.cohort.cohort}.yaml in the parameters folder) do not list "
             f"{'that wave' if one else 'those waves'} under `waves`, so {'it is' if one else 'they are'} "
             "not analysed in this report"}]


def scored_waves(data: CohortData) -> set[str]:
    """The waves at which someone has a score (a wave the parameters list may have none)."""
    scores = data.scale_scores
    return {str(w) for w in scores.loc[scores["score"].notna(), "wave"].dropna().unique()}


def outcome_tables(data: CohortData) -> dict[str, pd.DataFrame]:
    """Every table of the outcomes report for one cohort.

    Returns
    -------
    dict of DataFrame
        ``outcomes`` (CONTRACT columns), ``reliability``, ``attrition`` (flow and baseline
        comparison), ``mixed_model`` (three or more waves), ``response_shift`` (with a then-test),
        ``reaction`` (scales answered once), ``breakdowns`` (by sector, role level and framework
        area, after disclosure control), ``comparison_group`` (only when the cohort has a comparison
        group: :func:`~evaluation.reports.comparison_group.comparison_group_table`) and ``notes``
        (warnings about degenerate data).
    """
    coh = data.cohort
    info = scale_info(data)
    notes: list[dict] = []
    scores = data.scale_scores
    level = coh.confidence_level
    tables: dict[str, pd.DataFrame] = {}
    prepared = prepared_scores(data)  # checked and coded once for the stages below (and the disclosure plan)
    tables["outcomes"], found = outcomes(data, prepared)
    notes += found
    notes += unlisted_waves_note(data)
    tables["reliability"] = reliability_table(data)

    primary = data.primary_scale
    earlier, later = COMPARISONS[coh.comparisons[0]]
    flow = collect_warnings(notes, "attrition", lambda: oc.attrition(
        scores, data.participants, earlier=earlier, later=later, scale=primary))
    level2 = [s for s in info.index if info.loc[s, "kirkpatrick_level"] == 2]
    baseline = collect_warnings(notes, "attrition", lambda: oc.baseline_comparison(
        prepared, scale=level2, earlier=earlier, later=later, confidence_level=level))
    baseline = _small_groups_withheld(baseline, coh.disclosure_threshold)
    tables["attrition"] = pd.concat(
        [flow.assign(section="flow"), baseline.assign(section="baseline_comparison")], ignore_index=True
    ).assign(comparison=coh.comparisons[0])  # whose waves were counted
    cols = ["section", "comparison"] + [c for c in tables["attrition"].columns if c not in ("section", "comparison")]
    tables["attrition"] = tables["attrition"][cols]
    scored = scored_waves(data)  # a listed wave nobody answered has no term, no then-test table
    if len(coh.waves) >= 3:
        modelled = [w for w in coh.waves if w != "then" and w in scored]
        # the model is for three or more questionnaires besides the then-test, as the report says: a scale
        # whose instrument is asked at fewer of these waves (the line managers' questionnaire, before and
        # after; the reaction questionnaire, once at the end) is not modelled, by design: it is not a note
        by_name = {inst.name: inst for inst in data.instruments.values()}
        changing = [s for s in info.index
                    if len(set(by_name[info.loc[s, "instrument"]].scale_waves(s)) & set(modelled)) >= MODEL_WAVES]
        if len(modelled) >= MODEL_WAVES and changing:
            fitted = _three_waves_or_more(collect_warnings(notes, "mixed_model", lambda: oc.mixed_model(
                prepared, waves=modelled, confidence_level=level, scales=changing)))
            if len(fitted):
                tables["mixed_model"] = _in_instrument_order(fitted, info.index)
    waves_of = _waves_per_scale(scores)
    once = [s for s in info.index if waves_of.get(s, 0) == 1]
    if "then" in coh.waves and "then" in scored:
        tables["response_shift"] = _in_instrument_order(collect_warnings(notes, "response_shift", lambda: oc.response_shift(
            prepared, confidence_level=level)), info.index)
    if once:
        rows = scores[scores["scale"].isin(once)].dropna(subset=["score"])
        tables["reaction"] = (rows.groupby(["scale", "wave", "rater"], sort=True)["score"]
                              .agg(n="count", mean="mean", sd="std").reset_index())
    plan = collect_warnings(notes, "disclosure", lambda: disclosure_plan(data))
    tables["breakdowns"] = collect_warnings(notes, "breakdowns", lambda: breakdowns(data, plan, level))
    if data.has_comparison_group:
        tables["comparison_group"] = collect_warnings(notes, "comparison_group", lambda: comparison_group_table(data))
    tables["notes"] = pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates()
    return tables


def attrition_flow(tables: dict[str, pd.DataFrame], data: CohortData) -> pd.DataFrame:
    """The flow rows of the attrition table as the report shows them: each stage's ``definition``
    in plain words, naming the primary scale by its title and the comparison's waves as a sentence
    says them (``tables/attrition.csv`` keeps the definition in codes, for analysts).

    Examples
    --------
    >>> from evaluation.data.cohort import load_cohort_data
    >>> data = load_cohort_data("leading-to-deliver", 2)
    >>> flow = attrition_flow(outcome_tables(data), data)
    >>> for stage, words in zip(flow["stage"], flow["definition"]):
    ...     print(f"{stage}: {words}")
    enrolled: Everyone enrolled in the cohort
    completed_programme: Recorded as having completed the programme
    answered_pre: Answered the Leading change questions (self-rated) before the programme, with or without enough answers for a score
    answered_post: Answered the Leading change questions (self-rated) at the end of the programme, with or without enough answers for a score
    scored_both: Has a Leading change score (self-rated) both before the programme and at the end of the programme: the pairs analysed
    """
    table = tables["attrition"]
    flow = table[table["section"] == "flow"]
    title = data.titles.get(data.primary_scale, data.primary_scale)

    def words(stage: str, comparison: str, coded: str) -> str:
        earlier, later = (WAVE_WORDS[w] for w in COMPARISONS[comparison])
        answered = f"Answered the {title} questions (self-rated) {{}}, with or without enough answers for a score"
        return {"enrolled": "Everyone enrolled in the cohort",
                "completed_programme": "Recorded as having completed the programme",
                "answered_pre": answered.format(earlier), "answered_post": answered.format(later),
                "scored_both": f"Has a {title} score (self-rated) both {earlier} and {later}: the pairs analysed",
                }.get(stage, coded)  # a stage without words of its own keeps the table's definition

    return flow.assign(definition=[words(*row) for row in zip(flow["stage"], flow["comparison"], flow["definition"],
                                                              strict=True)])


#: The file (``tables/<name>.csv``) under which the report notebook publishes each table.
PUBLISHED = {"outcomes": "outcomes", "reliability": "reliability", "attrition": "attrition",
             "mixed_model": "mixed_model", "response_shift": "response_shift", "reaction": "reaction",
             "breakdowns": "breakdowns", "comparison_group": "comparison_group", "notes": "notes"}


def build(data: CohortData) -> ReportResult:
    """The outcomes report of one cohort: its tables, findings and summary.

    Examples
    --------
    >>> from evaluation.data.cohort import load_cohort_data
    >>> result = build(load_cohort_data("leading-to-deliver", 2))  # doctest: +SKIP
    >>> result.table("outcomes").columns[:4].tolist()  # doctest: +SKIP
    ['scale', 'comparison', 'rater', 'instrument']
    """
    tables = outcome_tables(data)
    return ReportResult(
        report="outcomes", programme=data.programme.name, cohort=data.cohort.cohort,
        tables={PUBLISHED[name]: frame for name, frame in tables.items()},
        findings=tuple(outcome_findings(tables, data)), summary=outcome_summary(tables, data),
    )
