"""One cohort, for the evaluator: :func:`load_cohort` and :class:`Cohort` (see :mod:`evaluation.api`)."""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.api.arguments import (
    check_bool,
    check_name,
    check_names,
    cohort_number,
    fresh,
    programme_name,
    rewarn,
)
from evaluation.api.subgroups import (
    OUTCOME_KEYS,
    comparisons_argument,
    empty_rows_warning,
    protect_selection,
    subgroup_warnings,
    where_mask,
    with_every_row,
)
from evaluation.core.errors import DisclosureControlOffWarning, ParameterError
from evaluation.core.paths import PARAMS_DIR
from evaluation.data import params as _params
from evaluation.data.cohort import CohortData, load_cohort_data, scale_info
from evaluation.reports import cost_report, equity_report, outcome_report
from evaluation.reports.findings import ReportResult, findings_frame
from evaluation.reports.numbers import level_percent
from evaluation.stats.disclosure import protect_table

__all__ = ["Cohort", "list_cohorts", "list_programmes", "load_cohort"]

REPORTS = ("outcomes", "costs", "equity")
#: Participant columns that are not characteristics to group by.
NOT_CHARACTERISTICS = ("participant_id", "cohort", "enrolled_on", "sessions_attended")


# ----------------------------------------------------------------------------- arguments


def list_programmes(params_dir: Path | str | None = None) -> list[str]:
    """Programmes with a parameter folder (``params/<programme>/programme.yaml``), sorted."""
    return _params.list_programmes(Path(params_dir) if params_dir else PARAMS_DIR)


def list_cohorts(programme: str, params_dir: Path | str | None = None) -> list[int]:
    """The cohorts of a programme that have parameters (``params/<programme>/cohort-<n>.yaml``), sorted."""
    folder = Path(params_dir) if params_dir else PARAMS_DIR
    return _params.list_cohorts(folder, programme_name(programme, folder))


# ------------------------------------------------------------------------------- loading


def load_cohort(
    programme: str,
    cohort: int | str,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> Cohort:
    """Load one cohort's processed (pseudonymised, scored) data and its parameters.

    Parameters
    ----------
    programme : str
        The programme's name, as its folder under ``params/`` (e.g. ``"leading-to-deliver"``).
    cohort : int or str
        The cohort's number (``2`` or ``"2"``).
    data_dir, params_dir : path, optional
        Where the data and parameter folders are (default: the repository's ``data/`` and
        ``params/``; point them at a secure location for real data).

    Returns
    -------
    Cohort

    Raises
    ------
    ParameterError
        Unknown programme, or no parameter file for the cohort (the message lists those there are).
    DataValidationError
        The processed data are missing; the message gives the command that builds them.
    """
    params = Path(params_dir) if params_dir else PARAMS_DIR
    name = programme_name(programme, params)
    number = cohort_number(cohort, name, params)
    data = load_cohort_data(name, number, data_dir=data_dir, params_dir=params)
    return Cohort(data, data_dir=Path(data_dir) if data_dir else None, params_dir=Path(params_dir) if params_dir else None)


# -------------------------------------------------------------------------------- cohort


@dataclass(frozen=True, repr=False, eq=False)
class Cohort:
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
        by : str, optional
            A participant characteristic (:attr:`characteristics`, e.g. ``"role_level"``): one
            block of rows per category, the category in a first column named ``by``.
        where : mapping or callable, optional
            Keep some participants only: ``{"sector": "voluntary"}``, ``{"role_level":
            ["middle_manager", "senior_manager"]}``, or a function of :attr:`participants`
            returning a boolean mask.
        scales, raters : str or list of str, optional
            Rows to return. The p-values are adjusted before this selection, over the same
            family as the report (every scale, within each comparison × rater), so that they
            can be compared with the report's.
        disclosure : bool, default True
            Suppress groups of fewer than the cohort's ``disclosure_threshold`` people, with
            secondary suppression, as published tables are (a ``suppressed`` column says
            ``primary`` or ``secondary``). ``False`` shows them, with a
            :class:`~evaluation.core.errors.DisclosureControlOffWarning`: for private work only.

        Returns
        -------
        DataFrame
            The columns of ``tables/outcomes.csv``; with ``by`` or ``where``, also ``suppressed``.

        Notes
        -----
        A subgroup's reliable change uses the cohort's reliability (its pre-wave alpha), not one
        re-estimated in the subgroup. With ``where``, the group is also suppressed when the
        people left out are from 1 to threshold − 1 in number, since the cohort's published table
        minus the group would reveal them.
        """
        settings = {"comparisons": comparisons_argument(comparisons), "confidence_level": confidence_level,
                    "multiplicity": multiplicity, "reliability": reliability}
        disclosure = check_bool(disclosure, "disclosure")
        if by is not None:
            check_name(by, "by", self.characteristics, hint="" if isinstance(by, str) else
                       "; one characteristic at a time: for two, select with `where=` and break down `by` the other")
        self._select(pd.DataFrame(columns=["scale", "rater"]), scales, raters)  # refused before any computing
        people = self.data.participants
        mask = where_mask(people, where, self.characteristics)
        if not mask.any():
            raise ParameterError(f"`where` keeps none of the {len(people)} participants of cohort {self.number}: "
                                 f"{where!r}")
        if by is None and where is None:
            table, notes = outcome_report.outcomes(self.data, **settings)
            rewarn(notes)
            return self._select(table, scales, raters).reset_index(drop=True)
        whole = None
        if by is None:
            whole = outcome_report.outcomes(self.data, **settings)[0]
            part, found = outcome_report.outcomes(self.data, self._scores(people.loc[mask, "participant_id"]), **settings)
            table, group_notes = with_every_row(part, whole), [("selected participants: ", found)]
        else:
            parts, group_notes = {}, []
            for category in sorted(people.loc[mask, by].astype(str).unique()):
                in_group = mask & (people[by].astype(str) == category).to_numpy()
                parts[category], found = outcome_report.outcomes(
                    self.data, self._scores(people.loc[in_group, "participant_id"]), **settings)
                group_notes.append((f"{by} {category!r}: ", found))
            rows = {tuple(map(tuple, part[["scale", "comparison", "rater"]].to_numpy())) for part in parts.values()}
            if where is not None or len(rows) > 1 or any(part.empty for part in parts.values()):
                every = outcome_report.outcomes(self.data, **settings)[0]  # the rows every group shows
                parts = {category: with_every_row(part, every) for category, part in parts.items()}
            table = pd.concat([part.assign(**{by: category}) for category, part in parts.items()], ignore_index=True)
            table = table[[by, *[c for c in table.columns if c != by]]]
        table = self._select(table, scales, raters)
        subgroup_warnings(group_notes, disclosure)
        if not disclosure:
            warnings.warn(f"disclosure control is off: groups of fewer than {self.parameters.disclosure_threshold} "
                          "people are shown. Keep these results private: do not publish or share them.",
                          DisclosureControlOffWarning, stacklevel=2)
            empty_rows_warning(table, by)
            return table.assign(suppressed="").reset_index(drop=True)
        table = self._protect(table, by, mask, whole).reset_index(drop=True)
        empty_rows_warning(table, by)
        return table

    def _scores(self, ids: pd.Series) -> pd.DataFrame:
        scores = self.data.scale_scores
        return scores[scores["participant_id"].isin(set(ids))]

    def _select(self, table: pd.DataFrame, scales: Any, raters: Any) -> pd.DataFrame:
        keep = np.ones(len(table), dtype=bool)
        if scales is not None:
            keep &= table["scale"].isin(check_names(scales, "scales", list(self.data.titles))).to_numpy()
        if raters is not None:
            keep &= table["rater"].isin(check_names(raters, "raters", sorted(self.data.scale_scores["rater"].unique())))\
                .to_numpy()
        return table[keep]

    def _protect(self, table: pd.DataFrame, by: str | None, mask: np.ndarray,
                 whole: pd.DataFrame | None) -> pd.DataFrame:
        threshold = self.parameters.disclosure_threshold
        dependent = [c for c in table.columns if c not in (*OUTCOME_KEYS, "n_pairs", by, "wilcoxon_method")]
        if by is None:
            return protect_selection(table, mask, whole, threshold, dependent)
        protected = protect_table(table, count="n_pairs", threshold=threshold, by=["comparison", "rater", "scale"],
                                  dependent=dependent, label=by, name=f"outcomes by {by}",
                                  blank=["wilcoxon_method"]).table
        return protected.assign(n_pairs=protected["n_pairs"].astype("Int64"))

    def reliability(self) -> pd.DataFrame:
        """Cronbach's alpha (Feldt CI) and omega total per scale × wave × rater: ``tables/reliability.csv``."""
        return outcome_report.reliability_table(self.data)

    def costs(self) -> pd.DataFrame:
        """What a place costs, fully loaded in real prices: ``tables/cost_summary.csv``.

        ``measure, value, ci_low, ci_high, unit, price_base_year`` in the cohort's base-year
        prices, with seeded bootstrap intervals. :meth:`report` ``("costs")`` has every cost table.
        """
        notes: list[dict] = []
        summary = cost_report.cohort_costs(self.data, notes=notes).summary.copy()
        rewarn(notes)
        return summary

    def equity(self) -> pd.DataFrame:
        """Who gets places against the eligible workforce, after disclosure control: ``tables/equity.csv``."""
        return self._report("equity").table("equity")

    def report(self, name: str) -> ReportResult:
        """One report's tables, findings and summary: ``"outcomes"``, ``"costs"`` or ``"equity"``.

        Computed once per :class:`Cohort` and kept; each call gives a copy, so that a change to
        its tables never reaches a later call. The cost report compares this cohort with the
        other cohorts and programmes found under ``data_dir``.
        """
        return fresh(self._report(name))

    def _report(self, name: Any) -> ReportResult:
        """The kept report (computed on first use): for this class's own methods, never handed out."""
        check_name(name, "name", REPORTS)
        if name not in self._reports:
            if name == "outcomes":
                result = outcome_report.build(self.data)
            elif name == "costs":
                result = cost_report.build(self.data, data_dir=self.data_dir, params_dir=self.params_dir)
            else:
                result = equity_report.build(self.data)
            self._reports[name] = result
        return self._reports[name]

    def findings(self) -> pd.DataFrame:
        """Every headline finding of the three reports (``findings.json`` as a table), sorted by id."""
        return findings_frame([f for name in REPORTS for f in self._report(name).findings])

