"""Plain words for the codes and column names of the published tables (display only).

The CSV tables keep their codes (``pre_post``, ``line_manager``, ``n_pairs``); a report shows
these labels instead (:mod:`evaluation.reports.display`). Codes not listed here are shown with
their underscores as spaces (:func:`label`).
"""

from __future__ import annotations

import re
from typing import Any

from evaluation.core.vocabulary import COMPARISONS

#: A text ending in a bracketed aside of its own: "Leads change (observed)".
_ENDS_IN_ASIDE = re.compile(r"\([^()]*\)\Z")

__all__ = ["COLUMN_LABELS", "COST_MEASURES", "HEADERS", "VALUE_LABELS", "WAVE_LABELS", "WAVE_TO", "and_list", "aside", "aside_opening", "both_words",
           "capitalised", "counted", "few_people", "header", "label", "population_words", "ratings_words", "span_words", "stage_label"]

#: The waves, as a reader says them.
WAVE_LABELS = {"pre": "before", "post": "after", "follow_up": "follow-up", "then": "then-test"}

#: A later wave after "from … to" in a sentence.
WAVE_TO = {"pre": "the start", "then": "the then-test", "post": "the end of the programme",
           "follow_up": "follow-up"}
#: An earlier wave after "from" (:func:`span_words`): as :data:`WAVE_TO`, but the pre-test is
#: "before the programme".
_SPAN_FROM = {**WAVE_TO, "pre": "before the programme"}

#: The cost measures, named as the summaries name them (a place, not "enrolled"; economic or
#: cash): the tables' cells and the cost figures (``evaluation.viz.cost_axes.MEASURE_WORDS``).
COST_MEASURES = {
    "cost_per_enrolled": "economic cost per place", "cash_cost_per_enrolled": "cash cost per place",
    "cost_per_completer": "economic cost per completer", "cash_cost_per_completer": "cash cost per completer",
    "cost_per_reliable_improver": "economic cost per reliable improver",
    "cash_cost_per_reliable_improver": "cash cost per reliable improver",
    "total_cost": "economic cost", "cash_total_cost": "cash cost",
}

#: The attrition stages that name a wave: their codes name the default waves (``answered_pre``), their
#: labels the waves of the comparison counted (:func:`stage_label`).
_WAVE_STAGES = {"answered_pre": "answered {earlier}", "answered_post": "answered {later}",
                "scored_both": "scores {earlier} and {later}"}
_STAGE_WAVES = {"pre": "before", "post": "after", "follow_up": "at follow-up", "then": "at the then-test"}

#: Codes found in the tables' cells, and what a reader sees instead.
VALUE_LABELS: dict[str, str] = {
    # comparisons: "pre_post" -> "before → after"
    **{code: f"{WAVE_LABELS[a]} → {WAVE_LABELS[b]}" for code, (a, b) in COMPARISONS.items()},
    **WAVE_LABELS,
    # raters
    "self": "self-rating",
    "line_manager": "line manager",
    "peer": "peer",
    "direct_report": "direct report",
    # mixed-model terms
    "intercept": "mean before (reference)",
    # disclosure control
    # one word for every withheld cell: "small group" beside "protects a small group" told a reader which
    # of two withheld cells was the small one (political = 1 in cohort 3: 6 − academic, which was not small)
    "primary": "withheld", "secondary": "withheld", "withheld": "withheld",
    # warning classes and note kinds
    "DegenerateDataWarning": "Not computed: too few people or no variation",
    "DisclosureControlOffWarning": "Disclosure control was switched off",
    "DisclosureRiskWarning": "Withheld to protect a small group",
    "DemoKeyWarning": "Demonstration pseudonymisation key in use",
    "ReferenceWithheld": "Reference group withheld",
    "ReferenceReplaced": "Reference group replaced",
    "NotComputed": "Not computed",
    "ColumnAbsent": "Characteristic not recorded",
    "OutsideEligiblePopulation": "Outside the eligible population",
    "NoWorkforceFigure": "No workforce figure",
    "PoolingWarning": "Pooling",
    "Note": "Note",
    "skipped": "Left out",
    **COST_MEASURES,
    "marginal_cost_cohort": "cost of another cohort", "cash_marginal_cost_cohort": "cash cost of another cohort",
    "marginal_cost_participant": "cost of one more participant",
    "cash_marginal_cost_participant": "cash cost of one more participant",
    "variable_cost_per_participant": "per-participant cost", "cash_variable_cost_per_participant":
        "cash per-participant cost",
    "reliable_improvement_share": "share who reliably improved", "completion_share": "share who completed",
    # measures of the programme report (pooled outcomes, trends)
    "g_av": "standardised change (g_av)",
    "completion": "completed the programme",
    "reliably_improved_post": "reliably improved, before → after",
    "reliably_improved_follow_up": "reliably improved, before → follow-up",
    # stages of the attrition and reliable-improvement tables (those that name a wave: of the default
    # comparison, before → after; :func:`stage_label` names another comparison's waves)
    "completed_programme": "completed the programme",
    **{stage: words.format(earlier=_STAGE_WAVES["pre"], later=_STAGE_WAVES["post"]) for stage, words in _WAVE_STAGES.items()},
    "reliably_improved": "reliably improved",
    "no_reliable_change": "no reliable change",
    "reliably_deteriorated": "reliably deteriorated",
    "not_scored": "without both scores",
    # tests and measures
    "chi_square": "Pearson chi-square",
    "monte_carlo": "Monte Carlo multinomial test",
    "gini": "Gini coefficient",
    # the cost views
    "both": "cash and economic",
    "economic": "economic (with participants' time)",
    # bases and levels of the cost tables
    "fixed": "fixed",
    "per_participant": "per participant",
    "programme": "whole programme",
    "cohort": "cohort",
    "cost_rows": "cost lines",
    "derived": "hours × hourly cost",
}

#: Column names, in plain words (a confidence interval's pair of columns is shown as one column).
HEADERS: dict[str, str] = {
    "scale": "Scale", "title": "Scale", "comparison": "Comparison", "rater": "Rated by", "wave": "Questionnaire",
    "n": "People", "n_pairs": "People with both scores", "n_participants": "People",
    "n_observations": "Scores used", "k_items": "Items",
    "mean_pre": "Mean before", "mean_post": "Mean after", "mean_then": "Mean then-test",
    "mean_change": "Mean change", "mean_shift": "Mean shift (before − then-test)", "mean": "Mean", "sd": "SD",
    "p_value": "p-value", "p_adjusted": "p-value (adjusted)", "wilcoxon_p": "Wilcoxon p-value",
    "d_z": "d_z", "d_av": "d_av", "g_av": "g_av", "d_rm": "d_rm", "hedges_g": "Hedges' g",
    # shares of the people with both scores (the cost pages also give shares of everyone enrolled)
    "rci_improved": "Reliably improved (of those with both scores)",
    "rci_unchanged": "No reliable change (of those with both scores)",
    "rci_deteriorated": "Reliably deteriorated (of those with both scores)", "reliability": "Reliability used",
    "term": "Term", "estimate": "Estimate", "se": "Standard error",
    "stage": "Stage", "share_of_enrolled": "Share of enrolled", "definition": "Definition",
    "n_with_later": "People with a later score", "mean_with_later": "Mean before (with a later score)",
    "n_without_later": "People without a later score", "mean_without_later": "Mean before (without a later score)",
    "mean_difference": "Difference",
    "alpha": "Cronbach's alpha", "omega_total": "McDonald's omega",
    "dimension": "Characteristic", "category": "Category", "suppressed": "Disclosure control",
    "participants": "Participants", "eligible": "Eligible staff", "rate_per_1000": "Places per 1,000 eligible",
    "share_participants": "Share of places", "share_eligible": "Share of eligible staff",
    "representation_index": "Representation index", "relative_likelihood": "Relative likelihood",
    "band": "Against the band", "reference_category": "Compared with",
    "method": "Test", "statistic": "Statistic", "df": "Degrees of freedom", "categories": "Groups",
    "pooled_suppressed_categories": "Withheld groups pooled", "min_expected": "Smallest expected count",
    "measure": "Measure", "value": "Value", "description": "What it is", "unit": "Unit",
    "completion_rate": "Completed", "completed": "Completed", "declaration_rate": "Declared",
    "source": "Source", "warning": "Note", "message": "Detail",
    "basis": "Basis", "amount": "Amount", "share": "Share of total", "level": "Level",
    "price_year": "Price year", "deflator_factor": "Deflator factor", "real_amount": "Real amount",
    "quantity": "Times counted", "real_total": "Real total",
    "cohorts": "Cohorts", "total_cost": "Total cost", "average_cost": "Average cost per participant",
    "marginal_cost": "Cost of one more participant", "price_base_year": "Price base year",
    "input": "Input varied", "low_setting": "Low setting", "high_setting": "High setting",
    "value_low": "At the low setting", "value_base": "At the base values", "value_high": "At the high setting",
    "swing": "Swing", "undefined_draws": "Resamples without a value", "resamples": "Resamples", "seed": "Seed",
    "item": "Benchmark", "low": "Low", "high": "High", "low_real": "Low (real)", "high_real": "High (real)",
    "programme_title": "Programme", "year": "Year", "enrolled": "Enrolled",
    "reliable_improvers": "Reliable improvers", "cost_per_enrolled": "Economic cost per place",
    "cost_per_completer": "Economic cost per completer",
    "cost_per_reliable_improver": "Economic cost per reliable improver",
    "participant_time_source": "Participants' time from", "kirkpatrick_level": "Kirkpatrick level",
    "view": "Cash or economic", "share_of_cash": "Share of cash cost", "reason": "Why this range",
    "citation": "Source", "price_year_basis": "Price year from", "cash_cost_per_enrolled": "Cash cost per place",
    "cost_per_enrolled_with_time": "Economic cost per place",
    # the comparison-group table
    "n_programme": "Participants with both scores", "n_comparison": "Comparison group with both scores",
    "mean_change_programme": "Mean change (participants)", "mean_change_comparison": "Mean change (comparison group)",
    "did": "Difference in mean change", "d_ppc2": "d_ppc2",
    # the comparison of programmes: each programme's profile
    "cohort_size_min": "Smallest cohort", "cohort_size_max": "Largest cohort",
    "eligible_population_words": "Eligible population", "eligible_size_min": "Eligible staff (fewest)",
    "eligible_size_max": "Eligible staff (most)", "waves": "Questionnaires", "follow_up": "Follow-up",
    "raters": "Rated by", "participant_time_words": "Participants' time costed as",
    "reliability_min": "Reliability (lowest)", "reliability_max": "Reliability (highest)",
    "reliability_n_min": "People behind the reliability (fewest)",
    "reliability_n_max": "People behind the reliability (most)",
    # pooling cohorts (the programme report): the meta-analysis and the trends across cohorts
    "k": "Number of cohorts", "i2": "I²", "h2": "H²", "tau2": "τ²", "q": "Q", "q_df": "Q's degrees of freedom",
    "q_p": "Q's p-value", "change": "Change", "rci_n_improved": "Reliably improved (people)",
    "reliably_improved": "Reliably improved", "completion_share": "Share completed",
    "completion": "Share completed", "n_cohorts": "Number of cohorts", "reliable_improvement_share": "Reliably improved",
    "share_min": "Lowest share", "share_max": "Highest share", "share_first": "First cohort's share",
    "share_last": "Last cohort's share", "direction": "Direction of the fitted line", "stated": "Clear trend",
    "sd_pre": "SD before", "sd_post": "SD after", "r_pre_post": "Correlation of before and after",
}

#: Columns of one comparison (``n_pairs_post``: people with both scores, before → after), by the
#: suffix that names the later wave.
_LATER_WAVE_SUFFIXES = {"_follow_up": "pre_follow_up", "_post": "pre_post"}
_OF_A_COMPARISON = {"n_pairs", "change", "rci_n_improved", "reliably_improved"}

#: Labels that depend on the column: a dimension called ``local_authority`` is the council area,
#: while the sector ``local_authority`` is local authorities.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "dimension": {"local_authority": "council area", "framework_area": "framework area"},
    "method": {"none": "not computed"},
}

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_CODES = re.compile(r"[a-z][a-z0-9_]*(?:, [a-z][a-z0-9_]*)+")
_TERM = re.compile(r"wave\[(\w+)\]")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun`` in the singular or the plural, as a sentence says it (not "group(s)").

    Examples
    --------
    >>> counted(1, "group"), counted(24, "group"), counted(0, "cohort"), counted(2, "body", "bodies")
    ('1 group', '24 groups', '0 cohorts', '2 bodies')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def few_people(threshold: int) -> str:
    """The counts of people withheld below a disclosure ``threshold``, in words: 1 to threshold − 1
    (a count of 0 is published: it identifies no one; METHODS, disclosure control).

    Examples
    --------
    >>> few_people(5), few_people(2)
    ('1 to 4 people', '1 person')
    """
    return "1 person" if threshold <= 2 else f"1 to {threshold - 1} people"


def stage_label(stage: Any, comparison: Any) -> Any:
    """What a reader sees for a stage of the attrition or reliable-improvement table of ``comparison``.

    The stage codes are fixed (``answered_pre``, ``answered_post``, ``scored_both``, named after
    the default comparison) whatever waves were counted; the label names the comparison's waves.
    Any other stage, or a comparison that is not a code, is labelled as :func:`label` does.

    Examples
    --------
    >>> stage_label("answered_pre", "pre_post"), stage_label("scored_both", "pre_post")
    ('answered before', 'scores before and after')
    >>> stage_label("answered_pre", "then_post"), stage_label("scored_both", "pre_follow_up")
    ('answered at the then-test', 'scores before and at follow-up')
    >>> stage_label("enrolled", "then_post")
    'enrolled'
    """
    if stage in _WAVE_STAGES and comparison in COMPARISONS:
        earlier, later = COMPARISONS[comparison]
        return _WAVE_STAGES[stage].format(earlier=_STAGE_WAVES[earlier], later=_STAGE_WAVES[later])
    return label(stage, "stage")


def label(value: Any, column: str | None = None) -> Any:
    """What a reader sees for a code in a table cell; anything that is not a code comes back as is.

    Comparisons, raters, waves, mixed-model terms, disclosure flags and note kinds have their
    own labels (:data:`VALUE_LABELS`); another lower-case code has its underscores as spaces;
    text from data (a council area, a description) is left alone.

    Examples
    --------
    >>> label("pre_post"), label("then_post"), label("line_manager"), label("wave[post]")
    ('before → after', 'then-test → after', 'line manager', 'after vs before')
    >>> label("first_line_manager"), label("Na h-Eileanan Siar"), label(3)
    ('first line manager', 'Na h-Eileanan Siar', 3)
    >>> label("local_authority"), label("local_authority", column="dimension")
    ('local authority', 'council area')
    >>> label("not_declared, prefer_not_to_say")
    'not declared, prefer not to say'
    """
    if not isinstance(value, str):
        return value
    if column in COLUMN_LABELS and value in COLUMN_LABELS[column]:
        return COLUMN_LABELS[column][value]
    if value in VALUE_LABELS:
        return VALUE_LABELS[value]
    term = _TERM.fullmatch(value)
    if term:
        wave = term.group(1)
        return f"{WAVE_LABELS.get(wave, wave.replace('_', ' '))} vs before"
    if _CODE.fullmatch(value):
        return value.replace("_", " ")
    if _CODES.fullmatch(value):
        return ", ".join(str(label(v, column)) for v in value.split(", "))
    return value


def span_words(comparison: str) -> str:
    """A comparison's two waves for a sentence: ``pre_post`` → "from before the programme to the
    end of the programme".

    Examples
    --------
    >>> span_words("pre_post")
    'from before the programme to the end of the programme'
    >>> span_words("pre_follow_up"), span_words("then_post")
    ('from before the programme to follow-up', 'from the then-test to the end of the programme')
    """
    earlier, later = COMPARISONS[comparison]
    return f"from {_SPAN_FROM[earlier]} to {WAVE_TO[later]}"


def both_words(comparison: str) -> str:
    """A comparison's two waves for "people with scores …", never the code word "waves".

    Examples
    --------
    >>> both_words("pre_post"), both_words("pre_follow_up"), both_words("then_post")
    ('both before the programme and at the end of the programme', 'both before the programme and at follow-up', 'both at the then-test and at the end of the programme')
    """
    earlier, later = COMPARISONS[comparison]
    first = _SPAN_FROM[earlier] if earlier == "pre" else f"at {WAVE_TO[earlier]}"
    return f"both {first} and at {WAVE_TO[later]}"


def population_words(population: str) -> str:
    """The eligible population in words.

    Examples
    --------
    >>> population_words("first_and_middle_managers"), population_words("all_staff")
    ('first-line and middle managers', 'all staff (the whole workforce)')
    """
    return {"all_staff": "all staff (the whole workforce)", "first_and_middle_managers": "first-line and middle managers",
            "public_service_senior_managers": "senior managers and chief officers of public services"
            }.get(population, population.replace("_", " "))


def header(column: str) -> str:
    """A column's heading in plain words: :data:`HEADERS`, else the name with spaces, capitalised.

    Examples
    --------
    >>> header("n_pairs"), header("swing"), header("rl_extra_note")
    ('People with both scores', 'Swing', 'Rl extra note')
    >>> header("n_pairs_post"), header("reliably_improved_follow_up"), header("i2")
    ('People with both scores, before → after', 'Reliably improved, before → follow-up', 'I²')
    """
    if column in HEADERS:
        return HEADERS[column]
    for suffix, comparison in _LATER_WAVE_SUFFIXES.items():
        base = str(column).removesuffix(suffix)
        if base != column and base in _OF_A_COMPARISON:
            return f"{HEADERS[base]}, {VALUE_LABELS[comparison]}"
    return capitalised(str(column).replace("_", " "))


def capitalised(text: str) -> str:
    """``text`` with its first letter in capitals, the rest as it is (unlike ``str.capitalize``).

    Examples
    --------
    >>> capitalised("private sector (sector: 0.25 …)"), capitalised("follow-up"), capitalised("")
    ('Private sector (sector: 0.25 …)', 'Follow-up', '')
    """
    return text[:1].upper() + text[1:]


def and_list(items) -> str:
    """Items in a sentence: "a", "a and b", "a, b and c" (no serial comma, as the reports write).

    Examples
    --------
    >>> and_list(["sector"]), and_list([2, 3]), and_list(["sector", "role level", "council area"]), and_list([])
    ('sector', '2 and 3', 'sector, role level and council area', '')
    """
    words = [str(i) for i in items]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def aside(text: Any, words: str) -> str:
    """``text (words)``, except that a ``text`` already ending in a bracket takes ``words`` into
    that bracket after a semicolon, so that brackets never stack: a scale's title is data, and
    may carry an aside of its own ("Leads change (observed)").

    Examples
    --------
    >>> aside("Leading change", "self-rated")
    'Leading change (self-rated)'
    >>> aside("Leads change (observed)", "line managers' ratings")
    "Leads change (observed; line managers' ratings)"
    >>> aside("Na h-Eileanan Siar (council area)", "2 places")
    'Na h-Eileanan Siar (council area; 2 places)'
    """
    text = str(text)
    if _ENDS_IN_ASIDE.search(text):
        return f"{text[:-1]}; {words})"
    return f"{text} ({words})"


def aside_opening(text: Any) -> str:
    """How :func:`aside` begins for ``text``: what a sentence that gives ``text`` an aside contains.

    Examples
    --------
    >>> aside_opening("Leading change"), aside_opening("Leads change (observed)")
    ('Leading change (', 'Leads change (observed; ')
    """
    return aside(text, "")[:-1]


def ratings_words(rater: str) -> str:
    """Whose ratings, in a sentence: ``participants' own ratings``, ``line managers' ratings``.

    Examples
    --------
    >>> ratings_words("self"), ratings_words("line_manager"), ratings_words("direct_report")
    ("participants' own ratings", "line managers' ratings", "direct reports' ratings")
    """
    return "participants' own ratings" if rater == "self" else f"{label(rater)}s' ratings"
