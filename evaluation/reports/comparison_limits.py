"""What limits comparing programmes: each programme's profile and the differences between them.

METHODS.md ("Across cohorts and programmes"): comparing programmes states every difference that
limits the comparison beside the numbers. Two reports use this module, so that they say the
same thing: the comparison of programmes (:mod:`evaluation.reports.comparison_report`) and the
cohort cost report's table of cohorts and programmes
(:func:`evaluation.reports.cost_report.programme_comparison`).

* :func:`programme_profile` — the facts about one programme that a comparison depends on:
  cohorts and years, cohort sizes, the eligible population and its size, the waves and raters
  available, how participants' time was costed, the reliability behind reliable change and the
  number of people it was estimated from;
* :func:`comparison_limits` — one row per difference between the programmes' profiles: what
  differs, each programme's value, which measures it limits and why it matters;
* :func:`limits_text` — the differences that limit one measure, in plain words.

Everything here describes whole cohorts and whole programmes: nothing is broken down by
participant characteristics, so nothing needs disclosure control.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from evaluation.core.errors import EvaluationError
from evaluation.core.vocabulary import WAVES
from evaluation.data.cohort import CohortData
from evaluation.reports.disclosure_plan import eligible_workforce
from evaluation.reports.labels import and_list, population_words
from evaluation.stats import costs as ct

__all__ = [
    "LIMIT_COLUMNS", "MEASURES", "ProgrammeProfile", "comparison_limits", "limit_labels", "limits_text",
    "programme_profile",
]

#: The measures compared, with the words used for them in ``measures_limited``.
MEASURES = {
    "mean_change": "change on the primary scales",
    "reliable_improvement_share": "share who reliably improved",
    "completion_share": "share who completed",
    "cash_cost_per_enrolled": "cash cost per place",
    "cost_per_enrolled": "economic cost per place",
    "cash_cost_per_reliable_improver": "cash cost per reliable improver",
    "cost_per_reliable_improver": "economic cost per reliable improver",
}
_ALL = tuple(MEASURES)
_OUTCOMES = ("mean_change", "reliable_improvement_share", "cash_cost_per_reliable_improver",
             "cost_per_reliable_improver")
_RELIABLE = ("reliable_improvement_share", "cash_cost_per_reliable_improver", "cost_per_reliable_improver")
_ECONOMIC = ("cost_per_enrolled", "cost_per_reliable_improver")

#: ``tables/comparison_limits.csv``.
LIMIT_COLUMNS = ["difference", "label", "what", "values", "measures_limited", "measures", "why"]

_TIME_WORDS = {
    "cost_rows": "entered as cost lines in the programme's cost ledger",
    "derived": "worked out as hours attended × an hourly staff cost by role level",
    "backfill": "valued by the backfill bought to cover participants' absence",
    "none": "not costed",
}


@dataclass(frozen=True)
class ProgrammeProfile:
    """The facts about one programme that comparing it with another depends on.

    ``cohort_sizes`` are enrolled participants per cohort in cohort order; ``eligible_sizes``
    the headcount of the eligible population in the workforce year nearest each cohort's;
    ``follow_up`` the cohorts with a follow-up wave; ``reliability`` and ``reliability_n`` the
    r_xx of reliable change on the self-rated primary scale per cohort and the number of people
    it was estimated from (None for a fixed number given in the parameters).
    """

    name: str
    title: str
    cohorts: tuple[int, ...]
    years: tuple[int | None, ...]
    cohort_sizes: tuple[int, ...]
    eligible_population: str
    eligible_sizes: tuple[float, ...]
    waves: tuple[str, ...]
    follow_up: tuple[int, ...]
    raters: tuple[str, ...]
    participant_time: tuple[str, ...]
    participant_time_price_year: tuple[int, ...]
    reliability_rule: str
    reliability: tuple[float, ...]
    reliability_n: tuple[int | None, ...]
    price_base_year: int
    confidence_level: float

    @property
    def participants(self) -> int:
        return int(sum(self.cohort_sizes))

    @property
    def k(self) -> int:
        return len(self.cohorts)

    def row(self) -> dict:
        """One row of ``tables/programme_profiles.csv``."""
        years = [y for y in self.years if y is not None]
        return {
            "programme": self.name, "title": self.title, "cohorts": self.k,
            "cohort_numbers": ", ".join(map(str, self.cohorts)),
            "years": _span(years), "participants": self.participants,
            "cohort_size_min": min(self.cohort_sizes), "cohort_size_max": max(self.cohort_sizes),
            "eligible_population": self.eligible_population,
            "eligible_population_words": population_words(self.eligible_population),
            "eligible_size_min": min(self.eligible_sizes) if self.eligible_sizes else None,
            "eligible_size_max": max(self.eligible_sizes) if self.eligible_sizes else None,
            "waves": ", ".join(self.waves), "follow_up": self.follow_up_words(),
            "raters": ", ".join(r.replace("_", " ") for r in self.raters),
            "participant_time": "; ".join(self.participant_time),
            "participant_time_words": self.time_words(),
            "participant_time_price_year": _span(list(self.participant_time_price_year)),
            "reliability_rule": self.reliability_rule, "reliability_min": min(self.reliability, default=None),
            "reliability_max": max(self.reliability, default=None),
            "reliability_n_min": min((n for n in self.reliability_n if n is not None), default=None),
            "reliability_n_max": max((n for n in self.reliability_n if n is not None), default=None),
            "price_base_year": self.price_base_year, "confidence_level": self.confidence_level,
        }

    def follow_up_words(self) -> str:
        if not self.follow_up:
            return "no follow-up"
        if len(self.follow_up) == self.k:
            return "follow-up in every cohort"
        return f"follow-up in cohort{'s' if len(self.follow_up) > 1 else ''} {and_list(self.follow_up)} only"

    def time_words(self) -> str:
        years = _span(list(self.participant_time_price_year))
        words = " and ".join(_TIME_WORDS.get(s, s) for s in self.participant_time)
        # the year the time's inputs are priced in, which a reader beside "2024 prices" took for the figures' year
        return f"{words} (inputs priced in {years}, shown in {self.price_base_year} prices)" if years else words

    def reliability_words(self) -> str:
        if self.reliability_rule != "alpha_pre":
            return f"a fixed reliability of {self.reliability_rule} (from the parameters)"
        ns = [n for n in self.reliability_n if n is not None]
        alphas = f"{_span([round(r, 2) for r in self.reliability], fmt='{:.2f}')}"
        people = f"{_span(ns)} people" + (" per cohort" if self.k > 1 else "")
        return f"Cronbach's alpha at the pre-test, {alphas}, estimated from {people}"


def _span(values: Sequence, fmt: str = "{}") -> str:
    values = [v for v in values if v is not None]
    if not values:
        return ""
    lo, hi = min(values), max(values)
    return fmt.format(lo) if lo == hi else f"{fmt.format(lo)}–{fmt.format(hi)}"


def _eligible_size(data: CohortData) -> float | None:
    """Headcount of the programme's eligible population in the workforce year nearest the cohort's."""
    try:
        wf = eligible_workforce(data, ["sector"])
    except (ValueError, EvaluationError):  # no workforce figure for it: the profile leaves the size out
        return None
    return float(wf["eligible"].sum()) if len(wf) else None


def _time_price_years(data: CohortData, source: str) -> list[int]:
    if source == "derived" and data.programme.staff_hourly_cost is not None:
        return [int(data.programme.staff_hourly_cost.price_year)]
    rows = data.costs[data.costs["category"].isin(ct.TIME_CATEGORIES)]
    rows = rows[rows["cohort"].isna() | (rows["cohort"] == data.cohort.cohort)]
    return sorted({int(y) for y in rows["price_year"]})


def programme_profile(cohorts: Sequence[CohortData], time_sources: Mapping[int, str]) -> ProgrammeProfile:
    """The profile of one programme from its cohorts' data.

    Parameters
    ----------
    cohorts : sequence of CohortData
        Every cohort of the programme that is compared, in cohort order.
    time_sources : mapping of int to str
        Cohort → how participants' time was costed (``Ledger.participant_time_source``).

    Raises
    ------
    ValueError
        ``cohorts`` is empty, or mixes programmes.

    Notes
    -----
    The reliability is the one reliable change used (METHODS.md, Jacobson & Truax 1991): the
    cohort's number, or the listwise Cronbach's alpha of the pre wave of the self-rated primary
    scale, with ``n`` the rows it was computed from. The eligible population's size is its
    headcount in ``workforce.csv`` for the year nearest the cohort's (as the equity report's
    denominator is found).

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> pilot = load_programme_data("collaborative-leadership")  # doctest: +SKIP
    >>> programme_profile(list(pilot), {1: "cost_rows"}).reliability_n  # doctest: +SKIP
    (26,)
    """
    if not cohorts:
        raise ValueError("`cohorts` must hold at least one cohort's data")
    names = {c.programme.name for c in cohorts}
    if len(names) > 1:
        raise ValueError(f"`cohorts` must belong to one programme; got {sorted(names)}")
    first = cohorts[0]
    order = {w: i for i, w in enumerate(WAVES)}
    waves = sorted({w for c in cohorts for w in c.cohort.waves}, key=lambda w: (order.get(w, len(order)), w))
    raters = sorted({r for c in cohorts for r in c.scale_scores["rater"].dropna().unique()},
                    key=lambda r: (r != "self", r))
    rules = {str(c.cohort.rci_reliability) for c in cohorts}
    reliability, counts = [], []
    for c in cohorts:
        scale = c.primary_scale
        if c.cohort.rci_reliability == "alpha_pre":
            pre = c.reliability[(c.reliability["wave"] == "pre") & (c.reliability["scale"] == scale)
                                & (c.reliability["rater"] == "self")]
            if len(pre):
                reliability.append(float(pre["alpha"].iloc[0]))
                counts.append(int(pre["n"].iloc[0]))
        else:
            reliability.append(float(c.cohort.rci_reliability))
            counts.append(None)
    sources = [time_sources.get(c.cohort.cohort, "none") for c in cohorts]
    return ProgrammeProfile(
        name=first.programme.name, title=first.programme.title,
        cohorts=tuple(c.cohort.cohort for c in cohorts), years=tuple(c.cohort.year for c in cohorts),
        cohort_sizes=tuple(len(c.participants) for c in cohorts),
        eligible_population=first.programme.eligible_population,
        eligible_sizes=tuple(s for s in (_eligible_size(c) for c in cohorts) if s is not None),
        waves=tuple(waves),
        follow_up=tuple(c.cohort.cohort for c in cohorts if "follow_up" in c.cohort.waves),
        raters=tuple(raters), participant_time=tuple(dict.fromkeys(sources)),
        participant_time_price_year=tuple(sorted({y for c, s in zip(cohorts, sources, strict=True)
                                                  for y in _time_price_years(c, s)})),
        reliability_rule=" / ".join(sorted(rules)), reliability=tuple(reliability), reliability_n=tuple(counts),
        price_base_year=int(first.cohort.price_base_year), confidence_level=float(first.cohort.confidence_level),
    )


def _size_words(p: ProgrammeProfile) -> str:
    return (f"{p.k} cohort{'s' if p.k > 1 else ''} of {_span(list(p.cohort_sizes))} "
            f"({p.participants} participants)")


def _population_words(p: ProgrammeProfile) -> str:
    size = _span([int(round(s)) for s in p.eligible_sizes], fmt="{:,}")
    return population_words(p.eligible_population) + (f" ({size} people)" if size else "")


#: (difference, short label, what, value of a profile, measures limited, why it matters).
_DIFFERENCES = (
    ("population", "eligible population", "Who the programme is for (its eligible population)", _population_words,
     _ALL,
     "The programmes serve different people: change, completion and the cost of a place depend on who takes "
     "part (their starting point, their job, what an hour of their time costs), so a difference between the "
     "programmes may be a difference between their participants."),
    ("participant_time", "costing of participants' time", "How participants' time was costed",
     ProgrammeProfile.time_words, _ECONOMIC,
     "Participants' time is what the economic cost adds to the cash cost; costed on different "
     "bases, the economic costs are not on one footing. The cash costs do not include it."),
    ("reliability", "reliability used and how many people it rests on",
     "The reliability used for reliable change, and how many people it was estimated from",
     ProgrammeProfile.reliability_words, _RELIABLE,
     "Who counts as a reliable improver depends on the reliability: the lower it is, the larger a change must "
     "be to count, and a reliability estimated from few people is itself uncertain. The share who reliably "
     "improved and the cost per reliable improver move with it."),
    ("waves", "follow-up", "The questionnaires available (a follow-up or not)", ProgrammeProfile.follow_up_words,
     _OUTCOMES,
     "Without a follow-up, whether change lasted cannot be compared: the comparison rests on change from before "
     "to just after the programme."),
    ("raters", "raters", "Who rated participants", lambda p: ", ".join(r.replace("_", " ") for r in p.raters),
     ("mean_change",),
     "Self-ratings and others' ratings of the same behaviour differ; only the same rater can be compared."),
    ("cohort_sizes", "cohort sizes", "How many people each cohort had", _size_words, _ALL,
     "Smaller cohorts give wider intervals and spread their fixed costs over fewer places."),
    ("cohorts", "number of cohorts", "How many cohorts there are",
     lambda p: f"{p.k} cohort{'s' if p.k > 1 else ''}", _ALL,
     "A single cohort cannot show how much results vary from one cohort to the next; figures over several "
     "cohorts include that variation, one cohort's do not."),
)


def comparison_limits(profiles: Sequence[ProgrammeProfile]) -> pd.DataFrame:
    """One row per difference between the programmes that limits comparing them.

    Parameters
    ----------
    profiles : sequence of ProgrammeProfile
        The programmes compared (two or more; with fewer there is nothing to compare).

    Returns
    -------
    DataFrame
        :data:`LIMIT_COLUMNS`: ``difference`` (a code), ``label`` (a short name), ``what`` (in
        words), ``values`` (each programme's value: "Title: value vs Title: value"), ``measures_limited`` (in words),
        ``measures`` (codes of :data:`MEASURES`, ``;``-separated) and ``why`` it matters.

    Notes
    -----
    A difference is listed when the programmes' values differ (the eligible population, the
    basis on which participants' time was costed and its price year, the reliability rule with
    its values and n, the cohorts with a follow-up, the raters, the cohort sizes, the number of
    cohorts). Measures follow METHODS.md: participants' time enters only the economic cost; the
    reliability only the measures built on reliable change.

    Examples
    --------
    >>> a = ProgrammeProfile("a", "A", (1, 2), (2004, 2005), (100, 98), "managers", (18000.0,), ("pre", "post"),
    ...                      (), ("self",), ("derived",), (2005,), "alpha_pre", (0.8, 0.82), (95, 97), 2024, 0.95)
    >>> b = ProgrammeProfile("b", "B", (1,), (2005,), (29,), "managers", (18000.0,), ("pre", "post"),
    ...                      (), ("self",), ("derived",), (2005,), "alpha_pre", (0.81,), (26,), 2024, 0.95)
    >>> comparison_limits([a, b])["label"].tolist()
    ['reliability used and how many people it rests on', 'cohort sizes', 'number of cohorts']
    """
    rows = []
    if len(profiles) < 2:
        return pd.DataFrame(columns=LIMIT_COLUMNS)
    for code, label, what, value, measures, why in _DIFFERENCES:
        values = [value(p) for p in profiles]
        if len(set(values)) == 1:
            continue
        rows.append({"difference": code, "label": label, "what": what,
                     "values": " vs ".join(f"{p.title}: {v}" for p, v in zip(profiles, values, strict=True)),
                     "measures_limited": and_list([MEASURES[m] for m in measures]), "measures": ";".join(measures),
                     "why": why})
    return pd.DataFrame(rows, columns=LIMIT_COLUMNS)


def _limiting(limits: pd.DataFrame, measure: str) -> pd.DataFrame:
    if measure not in MEASURES:
        raise ValueError(f"`measure` must be one of {', '.join(MEASURES)}; got {measure!r}")
    if not len(limits):
        return limits
    return limits[limits["measures"].str.split(";").apply(lambda ms: measure in ms)]


def limits_text(limits: pd.DataFrame, measure: str) -> str:
    """The differences that limit comparing ``measure``, each with the programmes' values ("" when none),
    after a dash: a value may have a bracket of its own ("first-line and middle managers (18,320
    people)"), which a bracket around the values would nest.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["number of cohorts"], "values": ["A: 5 cohorts vs B: 1 cohort"],
    ...                   "measures": ["mean_change;cost_per_enrolled"]})
    >>> limits_text(t, "mean_change")
    'number of cohorts — A: 5 cohorts vs B: 1 cohort'
    >>> limits_text(t, "completion_share")
    ''
    """
    return "; ".join(f"{r.label} — {r.values}" for r in _limiting(limits, measure).itertuples(index=False))


def limit_labels(limits: pd.DataFrame, measure: str) -> list[str]:
    """The short names of the differences that limit comparing ``measure``.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["follow-up", "cohort sizes"], "measures": ["mean_change", "cost_per_enrolled"]})
    >>> limit_labels(t, "cost_per_enrolled")
    ['cohort sizes']
    """
    return _limiting(limits, measure)["label"].tolist() if len(limits) else []
