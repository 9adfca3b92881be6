"""One cohort, for the evaluator: :class:`Cohort`, made by :func:`~evaluation.api.load_cohort` (see :mod:`evaluation.api`)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.api.arguments import fresh
from evaluation.api.subgroups import cohort_outcomes
from evaluation.api.tables import REPORTS, CohortTables
from evaluation.core.checks import check_choice
from evaluation.data.cohort import CohortData, scale_info
from evaluation.reports import cost_report, equity_report, outcome_report
from evaluation.reports.findings import ReportResult
from evaluation.reports.numbers import level_percent

__all__ = ["Cohort"]

#: Participant columns that are not characteristics to group by.
NOT_CHARACTERISTICS = ("participant_id", "cohort", "enrolled_on", "sessions_attended")


# -------------------------------------------------------------------------------- cohort


@dataclass(frozen=True, repr=False, eq=False)
class Cohort(CohortTables):
    """One cohort, ready to explore: its data, its parameters and the report's statistics.

    Made by :func:`load_cohort`. Every DataFrame and report it returns is a new copy: changing
    it changes nothing here, and a later call gives the cohort's own numbers again. ``data`` is
    the cohort's own :class:`~evaluation.data.cohort.CohortData`, shared by every method, for
    reading (copying a national cohort's scores at each access would cost more than the
    question): to edit the participants or the scores, edit :attr:`participants` or
    :attr:`scale_scores`, which are copies.
    """

    data: CohortData
    data_dir: Path | None = None  # None: the repository's data/
    params_dir: Path | None = None  # None: the repository's params/
    #: The reports computed so far, by name; never handed out (:meth:`report` gives copies).
    _reports: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    # ------------------------------------------------------------------ what it is
    @property
    def programme(self) -> str:
        """The programme's name."""
        return self.data.programme.name

    @property
    def number(self) -> int:
        """The cohort's number."""
        return self.data.cohort.cohort

    @property
    def parameters(self):
        """The cohort's resolved parameters (:class:`evaluation.data.params.Cohort`)."""
        return self.data.cohort

    @property
    def participants(self) -> pd.DataFrame:
        """One row per participant (pseudonymised ids), with their characteristics and status."""
        return self.data.participants.copy()

    @property
    def scale_scores(self) -> pd.DataFrame:
        """Long format: ``participant_id, scale, wave, rater, score`` and the answered share."""
        return self.data.scale_scores.copy()

    @property
    def responses(self) -> pd.DataFrame:
        """Long format answers (pseudonymised): one row per participant × wave × rater × item."""
        return self.data.responses.copy()

    @property
    def scales(self) -> pd.DataFrame:
        """The scales in instrument order: ``instrument, title, kirkpatrick_level, higher_is_better``."""
        return scale_info(self.data)

    @property
    def characteristics(self) -> list[str]:
        """Participant columns that ``by=`` accepts."""
        return [c for c in self.data.participants.columns if c not in NOT_CHARACTERISTICS]

    def __repr__(self) -> str:
        year = f" ({self.parameters.year})" if self.parameters.year else ""
        return (f"<Cohort {self.programme} {self.number}{year}: {len(self.data.participants)} participants, "
                f"{len(self.data.titles)} scales>")

    def _repr_html_(self) -> str:
        d = self.data.describe()
        p = self.parameters
        facts = [
            ("participants", f"{d['participants']} enrolled, {d['completed']} completed"),
            ("waves", ", ".join(d["waves"])),
            ("raters", ", ".join(d["raters"])),
            ("scales", f"{d['scales']} (see <code>.scales</code>)"),
            ("comparisons", ", ".join(p.comparisons)),
            ("confidence level", level_percent(p.confidence_level)),
            ("multiplicity", p.multiplicity),
            ("disclosure threshold", f"groups under {p.disclosure_threshold} people are suppressed"),
        ]
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{v if k == 'scales' else html.escape(v)}"
                       f"</td></tr>" for k, v in facts)
        title = html.escape(f"{self.data.programme.title}, cohort {self.number}"
                            + (f" ({p.year})" if p.year else ""))
        return (f"<div><strong>{title}</strong><table>{rows}</table>"
                "<small>Methods: <code>.outcomes()</code>, <code>.reliability()</code>, <code>.costs()</code>, "
                "<code>.equity()</code>, <code>.report(name)</code>, <code>.findings()</code></small></div>")

    # ------------------------------------------------------------------ statistics
    def outcomes(
        self,
        *,
        comparisons: Sequence[str] | None = None,
        confidence_level: float | None = None,
        multiplicity: str | None = None,
        reliability: float | pd.DataFrame | None = None,
        by: str | None = None,
        where: Mapping[str, Any] | Callable[[pd.DataFrame], Any] | None = None,
        scales: str | Sequence[str] | None = None,
        raters: str | Sequence[str] | None = None,
        disclosure: bool = True,
    ) -> pd.DataFrame:
        """Pre/post change per scale × comparison × rater: the published ``outcomes`` table.

        Parameters
        ----------
        comparisons, confidence_level, multiplicity, reliability : optional
            Default: the cohort's parameters (``reliability``: the pre-wave alpha, or the
            cohort's ``rci_reliability``). See :func:`evaluation.stats.outcomes.outcomes_table`.
            The tests and intervals are two-sided, as in the report (one-sided:
            :func:`evaluation.stats.outcomes.paired_change` with ``alternative``).
        by : str, optional
            One participant characteristic (:attr:`characteristics`, e.g. ``"role_level"``): one
            block of rows per category, the category in a first column named ``by``. Every
            category has every row of the cohort's table; a row where it has no complete pair
            shows ``n_pairs`` 0 and blank statistics. For two characteristics, select on one
            with ``where`` and break down by the other.
        where : mapping or callable, optional
            Keep some participants only: ``{"sector": "voluntary"}``, ``{"role_level":
            ["middle_manager", "senior_manager"]}``, or a function of (a copy of)
            :attr:`participants` returning one boolean per participant, e.g. ``lambda people:
            people["sessions_attended"] >= 4``.
        scales, raters : str or list of str, optional
            Rows to return. The p-values are adjusted before this selection, over the same
            family as the report (every scale, within each comparison × rater), so that they
            can be compared with the report's.
        disclosure : bool, default True
            Suppress groups of fewer than the cohort's ``disclosure_threshold`` people, with
            secondary suppression, as published tables are (a ``suppressed`` column says
            ``primary`` or ``secondary``). With ``by`` or ``where``, ``False`` shows them, with a
            :class:`~evaluation.core.errors.DisclosureControlOffWarning`: for private work only.
            The whole cohort's table (neither) has no group to suppress: there ``False`` changes
            nothing and does not warn.

        Returns
        -------
        DataFrame
            The columns of ``tables/outcomes.csv``, with ``confidence_level`` (the level of every
            interval in the row) after ``change_ci_high``; with ``by`` or ``where``, also
            ``suppressed``.

        Raises
        ------
        ParameterError
            An argument of the wrong type or an unknown name (the message names the parameter
            and what it accepts), a ``where`` function that does not return one boolean per
            participant, or a ``where`` that keeps nobody.

        Warns
        -----
        DegenerateDataWarning
            A statistic that cannot be computed (too few pairs, no variance) is blank; a group
            with no complete pair in some rows is named (its rows show ``n_pairs`` 0). With
            disclosure control on, the first warning names no group.
        DisclosureControlOffWarning
            With ``disclosure=False`` and ``by`` or ``where``.

        Notes
        -----
        Paired t interval, Holm (or the cohort's method) over every scale within each comparison
        × rater, d_z, g_av with its bootstrap interval, Wilcoxon signed-rank and the reliable
        change index: ``docs/methods.md``, "Pre/post change"; subgroups and suppression:
        "Disclosure control". A subgroup's reliable change uses the cohort's reliability (its
        pre-wave alpha), not one re-estimated in the subgroup. With ``where``, the group is also
        suppressed when the people left out are from 1 to threshold − 1 in number, since the
        cohort's published table minus the group would reveal them.

        Examples
        --------
        >>> import evaluation as ev
        >>> cohort = ev.load_cohort("leading-to-deliver", 2)
        >>> row = cohort.outcomes(scales="leading_change", raters="self", comparisons="pre_post").iloc[0]
        >>> int(row["n_pairs"]), round(float(row["mean_change"]), 3), round(float(row["d_z"]), 3)
        (85, 0.329, 0.729)

        A group with no complete pair is shown, with a warning that names it:

        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as said:
        ...     warnings.simplefilter("always")
        ...     by_status = cohort.outcomes(by="status", scales="leading_change", raters="self",
        ...                                 comparisons="pre_post")
        >>> by_status[["status", "n_pairs", "mean_change", "suppressed"]].round(3)
              status  n_pairs  mean_change suppressed
        0  completed       85        0.329
        1   withdrew        0          NaN
        >>> [str(w.message)[:42] for w in said]
        ["no complete pair for status 'withdrew' (1 "]
        """
        return cohort_outcomes(self.data, self.characteristics, comparisons=comparisons,
                               confidence_level=confidence_level, multiplicity=multiplicity, reliability=reliability,
                               by=by, where=where, scales=scales, raters=raters, disclosure=disclosure)

    def report(self, name: str) -> ReportResult:
        """One report's tables, findings and summary: what ``make evaluate`` publishes for it.

        Parameters
        ----------
        name : {"outcomes", "costs", "equity"}
            The report.

        Returns
        -------
        ReportResult
            ``tables`` (by the name of their file in ``tables/``), ``findings``, ``summary``
            (Markdown) and ``details`` (what is never published). Computed once per
            :class:`Cohort` and kept; each call gives a copy, so that a change to its tables
            never reaches a later call. The cost report compares this cohort with the other
            cohorts and programmes found under ``data_dir``.

        Raises
        ------
        ParameterError
            ``name`` is not one of the three (a string).

        Notes
        -----
        Each report's statistics and decisions: ``docs/methods.md`` ("Decisions in the cohort
        report", "Costs", "Equity of access").

        Examples
        --------
        >>> import evaluation as ev
        >>> cohort = ev.load_cohort("leading-to-deliver", 2)
        >>> result = cohort.report("outcomes")
        >>> result
        <ReportResult outcomes: leading-to-deliver cohort 2, 8 tables, 68 findings>
        >>> list(result.tables)[:3]
        ['outcomes', 'reliability', 'attrition']
        """
        return fresh(self._report(name))

    def _report(self, name: Any) -> ReportResult:
        """The kept report (computed on first use): for this class's own methods, never handed out."""
        check_choice(name, REPORTS, "name")
        if name not in self._reports:
            if name == "outcomes":
                result = outcome_report.build(self.data)
            elif name == "costs":
                result = cost_report.build(self.data, data_dir=self.data_dir, params_dir=self.params_dir)
            else:
                result = equity_report.build(self.data)
            self._reports[name] = result
        return self._reports[name]

