"""A cohort's reliability, cost, equity and findings tables as the evaluator's API gives them
(:class:`CohortTables`, whose methods :class:`~evaluation.api.Cohort` has), at the confidence
level asked for, each with a ``confidence_level`` column; ``Cohort.outcomes()`` adds its column
in :mod:`evaluation.api.subgroups`.

Where each level comes from by default, and what the argument overrides:

* reliability: 0.95, the level of the published table (the Feldt interval is computed at ingest
  at 95%, METHODS "Reliability"); another level recomputes the interval from alpha, n and k
  (:func:`~evaluation.stats.reliability.feldt_interval`), without the item answers;
* costs, equity, outcomes: the cohort's ``confidence_level`` parameter (``params/``), as the
  reports use it; the argument overrides it for the table returned, the kept report is not
  changed;
* findings: the reports' intervals, at the cohort's level (no argument: they are the
  published sentences).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import pandas as pd

from evaluation.api.arguments import rewarn
from evaluation.core.checks import check_confidence_level
from evaluation.data.cohort import CohortData
from evaluation.reports import cost_report, equity_report, outcome_report
from evaluation.reports.findings import findings_frame
from evaluation.stats.reliability import feldt_interval

__all__ = ["RELIABILITY_LEVEL", "REPORTS", "CohortTables", "cohort_costs", "cohort_equity", "cohort_reliability", "findings_with_level",
           "with_level"]

#: The reports of a cohort, by name.
REPORTS = ("outcomes", "costs", "equity")
#: The level of the published reliability table's Feldt interval (computed at ingest).
RELIABILITY_LEVEL = 0.95


def with_level(table: pd.DataFrame, level: float, after: str, *, interval: Sequence[str] | None = None) -> pd.DataFrame:
    """``table`` (not changed) with a ``confidence_level`` column placed after ``after``.

    Every row carries ``level``; with ``interval`` (the two columns of an interval), only the rows
    that have one (either end given), the others NaN: a figure counted without an interval has
    no level.

    Examples
    --------
    >>> t = pd.DataFrame({"value": [1.0, 2.0], "ci_low": [0.5, None], "ci_high": [1.5, None]})
    >>> with_level(t, 0.9, "ci_high", interval=["ci_low", "ci_high"])
       value  ci_low  ci_high  confidence_level
    0    1.0     0.5      1.5               0.9
    1    2.0     NaN      NaN               NaN
    """
    column = pd.Series(float(level), index=table.index, dtype="float64")
    if interval is not None:
        column = column.where(table[list(interval)].notna().any(axis=1).to_numpy())
    out = table.drop(columns="confidence_level", errors="ignore")
    out.insert(out.columns.get_loc(after) + 1, "confidence_level", column)
    return out


def cohort_reliability(data: CohortData, confidence_level: float = RELIABILITY_LEVEL) -> pd.DataFrame:
    """The published ``reliability`` table with its Feldt interval at ``confidence_level``."""
    level = check_confidence_level(confidence_level)
    table = outcome_report.reliability_table(data)
    if level != RELIABILITY_LEVEL:
        low, high = feldt_interval(table["alpha"], table["n"], table["k_items"], confidence_level=level)
        table = table.assign(alpha_ci_low=low, alpha_ci_high=high)
    return with_level(table, level, "alpha_ci_high")


def cohort_costs(data: CohortData, confidence_level: float | None = None) -> pd.DataFrame:
    """The cost summary with its bootstrap intervals at ``confidence_level`` (default: the cohort's)."""
    level = check_confidence_level(data.cohort.confidence_level if confidence_level is None else confidence_level)
    notes: list[dict] = []
    summary = cost_report.cohort_costs(data, confidence_level=level, notes=notes).summary.copy()
    rewarn(notes, stacklevel=4)
    return with_level(summary, level, "ci_high", interval=["ci_low", "ci_high"])


def cohort_equity(data: CohortData, kept: Callable[[], pd.DataFrame], confidence_level: float | None = None
                  ) -> pd.DataFrame:
    """The equity table with its relative likelihoods' intervals at ``confidence_level``.

    ``kept()`` gives the kept report's table, used at the cohort's own level; another level
    computes the report's tables again with the cohort's parameters but that level (the same
    disclosure control: it does not depend on the level).
    """
    own = data.cohort.confidence_level
    level = check_confidence_level(own if confidence_level is None else confidence_level)
    if level == own:
        table = kept()
    else:
        at_level = dataclasses.replace(data, cohort=data.cohort.model_copy(update={"confidence_level": level}))
        table = equity_report.equity_tables(at_level).tables["equity"]
    return with_level(table, level, "rl_ci_high")


def findings_with_level(findings: pd.DataFrame, level: float) -> pd.DataFrame:
    """Findings with the level of their interval (NaN for a finding without one)."""
    return with_level(findings, level, "ci_high", interval=["ci_low", "ci_high"])


class CohortTables:
    """:class:`~evaluation.api.Cohort`'s reliability, cost, equity and findings tables (a mixin: ``data``,
    ``parameters`` and ``_report`` are the cohort's)."""

    data: CohortData

    def reliability(self, *, confidence_level: float = RELIABILITY_LEVEL) -> pd.DataFrame:
        """Cronbach's alpha (Feldt CI) and omega total per scale × wave × rater: ``tables/reliability.csv``.

        Parameters
        ----------
        confidence_level : float, default 0.95
            Of Feldt's interval. The published table's is 95% (computed at ingest, whatever the
            cohort's ``confidence_level``); another level recomputes the interval from alpha,
            ``n`` and ``k_items`` (:func:`~evaluation.stats.reliability.feldt_interval`).

        Returns
        -------
        DataFrame
            ``scale, wave, n, k_items, alpha, alpha_ci_low, alpha_ci_high, confidence_level,
            omega_total, rater, instrument``: scales in instrument order, waves in time order.

        Raises
        ------
        ParameterError
            ``confidence_level`` not a number in (0, 1).

        Notes
        -----
        Computed at ingest from the item answers (:func:`evaluation.data.scoring.reliability`):
        Cronbach's alpha with Feldt's interval and McDonald's omega total from a one-factor
        model; ``docs/methods.md``, "Reliability". The pre-wave alpha is the reliability of the
        reliable change index in :meth:`~evaluation.api.Cohort.outcomes`.

        Examples
        --------
        >>> import evaluation as ev
        >>> cohort = ev.load_cohort("leading-to-deliver", 2)
        >>> table = cohort.reliability()
        >>> table[table["scale"] == "leading_change"][["wave", "rater", "n", "alpha", "omega_total"]].round(2)
                wave rater   n  alpha  omega_total
        4        pre  self  88   0.81         0.81
        5       then  self  77   0.79         0.79
        6       post  self  84   0.81         0.81
        7  follow_up  self  65   0.83         0.83
        >>> at_90 = cohort.reliability(confidence_level=0.9)
        >>> at_90.loc[4, ["alpha_ci_low", "alpha_ci_high", "confidence_level"]].astype(float).round(3).tolist()
        [0.75, 0.86, 0.9]
        """
        return cohort_reliability(self.data, confidence_level)

    def costs(self, *, confidence_level: float | None = None) -> pd.DataFrame:
        """What a place costs, fully loaded in real prices: ``tables/cost_summary.csv``.

        Parameters
        ----------
        confidence_level : float, optional
            Of the seeded bootstrap intervals (same resamples and seed). Default: the cohort's
            ``confidence_level`` parameter, as the report.

        Returns
        -------
        DataFrame
            ``measure, value, ci_low, ci_high, confidence_level, unit, price_base_year, view,
            description``: one row per measure (total, fixed and variable cost, cost per
            enrolled participant, per completer and per reliable improver, marginal costs, ...),
            in the cohort's base-year prices, with seeded bootstrap intervals where there is
            uncertainty (``confidence_level`` is blank where there is no interval: what was
            counted). :meth:`~evaluation.api.Cohort.report` ``("costs")`` has every cost table.

        Raises
        ------
        ParameterError
            ``confidence_level`` not a number in (0, 1).

        Warns
        -----
        DegenerateDataWarning
            A cost that cannot be computed (e.g. no reliable improver to divide by) is blank.

        Notes
        -----
        Economic cost (cash plus participants' time) and cash cost, deflated to the base year
        and apportioned across cohorts; ``docs/methods.md``, "Costs".

        Examples
        --------
        >>> import evaluation as ev
        >>> cohort = ev.load_cohort("leading-to-deliver", 2)
        >>> costs = cohort.costs().set_index("measure")
        >>> round(costs.loc["cost_per_completer", "value"]), costs.loc["cost_per_completer", "unit"]
        (15029, 'GBP (2024 prices)')
        """
        return cohort_costs(self.data, confidence_level)

    def equity(self, *, confidence_level: float | None = None) -> pd.DataFrame:
        """Who gets places against the eligible workforce, after disclosure control: ``tables/equity.csv``.

        Parameters
        ----------
        confidence_level : float, optional
            Of the relative likelihoods' intervals, which decide the ``band``. Default: the
            cohort's ``confidence_level`` parameter, as the report; another level computes the
            table again (a few seconds), with the same disclosure control.

        Returns
        -------
        DataFrame
            One row per characteristic (``dimension``) × ``category``: ``participants``,
            ``eligible``, the rate per 1,000, the shares, the representation index, the relative
            likelihood with its interval (and its ``confidence_level``) and band; ``suppressed``
            says ``primary`` or ``secondary`` where a group of 1 to ``disclosure_threshold`` − 1
            people is hidden.

        Raises
        ------
        ParameterError
            ``confidence_level`` not a number in (0, 1).

        Notes
        -----
        Relative likelihood against the reference category with a Katz log interval,
        representation index = share of participants / share of the eligible workforce × 100;
        ``docs/methods.md``, "Equity of access" and "Disclosure control".

        Examples
        --------
        >>> import evaluation as ev
        >>> cohort = ev.load_cohort("leading-to-deliver", 2)
        >>> equity = cohort.equity()
        >>> equity[equity["dimension"] == "role_level"][["category", "participants", "suppressed"]]
                      category  participants suppressed
        38  first_line_manager            65
        39      middle_manager            30
        40           frontline          <NA>  secondary
        41      senior_manager          <NA>    primary
        """
        return cohort_equity(self.data, lambda: self._report("equity").table("equity"), confidence_level)

    def findings(self) -> pd.DataFrame:
        """Every headline finding of the three reports (``findings.json`` as a table), sorted by id.

        Returns
        -------
        DataFrame
            ``id, statement, value, ci_low, ci_high, confidence_level, unit, table``: each
            finding's sentence, its number and interval (at the cohort's ``confidence_level``,
            blank for a finding without an interval), and the published table that holds the
            number.

        Notes
        -----
        Computes the three reports (:meth:`~evaluation.api.Cohort.report`) on first use, a few seconds for a cohort;
        each finding's statistic is described where its table is in ``docs/methods.md``.

        Examples
        --------
        >>> import evaluation as ev
        >>> cohort = ev.load_cohort("leading-to-deliver", 2)
        >>> found = cohort.findings().set_index("id")
        >>> round(float(found.loc["outcomes.pre_post.self.leading_change.mean_change", "value"]), 3)
        0.329
        """
        found = findings_frame([f for name in REPORTS for f in self._report(name).findings])
        return findings_with_level(found, self.parameters.confidence_level)

