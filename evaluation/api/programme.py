"""A whole programme, for the evaluator: :class:`Programme`, made by :func:`~evaluation.api.load_programme` (see :mod:`evaluation.api`)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evaluation.api.arguments import check_names, cohort_key, fresh
from evaluation.api.cohort import Cohort
from evaluation.api.tables import RELIABILITY_LEVEL
from evaluation.core.checks import check_confidence_level
from evaluation.core.errors import ParameterError
from evaluation.data.programme import ProgrammeData
from evaluation.reports import programme_report
from evaluation.reports.programme_report.cohorts import compare_cohorts
from evaluation.reports.programme_report.outcomes import MEASURES, cohort_changes, pooled_outcomes
from evaluation.reports.programme_report.success_cases import success_cases

__all__ = ["Programme"]


# ----------------------------------------------------------------------------- programme


@dataclass(frozen=True, repr=False, eq=False)
class Programme:
    """Every cohort of a programme (made by :func:`load_programme`).

    Iterating gives the :class:`Cohort` objects; ``programme[2]`` is cohort 2. Each statistic
    method stacks the cohorts' tables with a first column ``cohort``. Every table and report
    returned is a new copy: changing it changes nothing here.
    """

    name: str
    cohorts: Mapping[int, Cohort]
    #: The programme report once computed; never handed out (:meth:`report` gives copies).
    _reports: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def data(self) -> ProgrammeData:
        """The programme's parameters and every cohort's data (:class:`~evaluation.data.programme.ProgrammeData`)."""
        first = next(iter(self.cohorts.values()))
        return ProgrammeData(first.data.programme, {n: c.data for n, c in self.cohorts.items()})

    def __getitem__(self, number: int | str) -> Cohort:
        """Cohort ``number``: ``2`` or ``"2"``, as :func:`load_cohort` takes it; a KeyError lists those there are."""
        key = cohort_key(number)
        if key not in self.cohorts:
            raise KeyError(f"{self.name} has no cohort {number!r}; it has {list(self.cohorts)}")
        return self.cohorts[key]

    def __iter__(self) -> Iterator[Cohort]:
        return iter(self.cohorts.values())

    def __contains__(self, number: object) -> bool:
        """``2 in ltd``: whether the programme has that cohort (a number, or a :class:`Cohort` of it)."""
        if isinstance(number, Cohort):
            return any(number is c for c in self)
        return cohort_key(number) in self.cohorts

    def __len__(self) -> int:
        return len(self.cohorts)

    def __repr__(self) -> str:
        people = sum(len(c.data.participants) for c in self)
        return f"<Programme {self.name}: {len(self)} cohorts ({', '.join(map(str, self.cohorts))}), {people} participants>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{c.number}</td><td>{c.parameters.year or ''}</td><td>{len(c.data.participants)}</td>"
            f"<td>{int((c.data.participants['status'] == 'completed').sum())}</td>"
            f"<td>{html.escape(', '.join(c.parameters.waves))}</td></tr>" for c in self)
        title = html.escape(next(iter(self)).data.programme.title if len(self) else self.name)
        return (f"<div><strong>{title}</strong><table><thead><tr><th>cohort</th><th>year</th><th>enrolled</th>"
                f"<th>completed</th><th>waves</th></tr></thead><tbody>{rows}</tbody></table></div>")

    def _stack(self, method: str, **kwargs) -> pd.DataFrame:
        parts = [getattr(c, method)(**kwargs).assign(cohort=c.number) for c in self]
        table = pd.concat(parts, ignore_index=True)
        return table[["cohort", *[c for c in table.columns if c != "cohort"]]]

    def outcomes(self, **kwargs) -> pd.DataFrame:
        """Each cohort's :meth:`Cohort.outcomes` (same arguments), stacked with a ``cohort`` column.

        Returns
        -------
        DataFrame
            Each cohort's table, computed with its own parameters unless the arguments say
            otherwise, with a first column ``cohort``. Nothing is pooled: :meth:`pool` pools.

        Raises
        ------
        ParameterError
            As :meth:`Cohort.outcomes`.

        Notes
        -----
        ``docs/methods.md``, "Pre/post change".

        Examples
        --------
        >>> import evaluation as ev
        >>> ltd = ev.load_programme("leading-to-deliver")
        >>> ltd.outcomes(scales="leading_change", raters="self", comparisons="pre_post")[
        ...     ["cohort", "n_pairs", "mean_change"]].round(3)
           cohort  n_pairs  mean_change
        0       1       84        0.416
        1       2       85        0.329
        2       3       81        0.313
        3       4       81        0.296
        4       5       84        0.359
        """
        return self._stack("outcomes", **kwargs)

    def compare(self, cohort_a: int, cohort_b: int, **kwargs) -> pd.DataFrame:
        """Two cohorts side by side: each one's mean change and the difference, a − b, with its interval.

        Keyword arguments ``scales``, ``raters``, ``comparisons``, ``confidence_level``: see
        :func:`evaluation.reports.programme_report.cohorts.compare_cohorts` (Welch's t on the
        participants' change scores; p-values not adjusted).

        Examples
        --------
        >>> import evaluation as ev
        >>> ltd = ev.load_programme("leading-to-deliver")
        >>> ltd.compare(2, 3, scales="leading_change", raters="self")[["comparison", "difference"]].round(3)
              comparison  difference
        0       pre_post       0.016
        1      then_post       0.018
        2  pre_follow_up       0.029
        """
        return compare_cohorts(self.data, cohort_a, cohort_b, **kwargs)

    def pool(
        self,
        *,
        scales: str | Sequence[str] | None = None,
        raters: str | Sequence[str] | None = None,
        comparisons: str | Sequence[str] | None = None,
        measures: str | Sequence[str] | None = None,
        cohorts: Sequence[int] | None = None,
        confidence_level: float | None = None,
    ) -> pd.DataFrame:
        """The cohorts' changes pooled by random effects: the programme report's ``pooled_outcomes``.

        REML τ² (never negative), Hartung–Knapp–Sidik–Jonkman interval with the ad hoc correction,
        τ², I², Q and a prediction interval (:func:`evaluation.stats.pooling.pool`), per scale ×
        comparison × rater, in scale points (``measure`` ``mean_change``) and as ``g_av``.

        Parameters
        ----------
        scales, raters, comparisons, measures : str or list of str, optional
            Rows to pool and return (default: all); ``measures`` of ``"mean_change"``, ``"g_av"``.
            Only these are pooled, so the warnings concern only the rows returned.
        cohorts : list of int, optional
            Pool only these cohorts, two or more (default: every cohort; ``"2"`` is taken as 2).
        confidence_level : float, optional
            Default: the cohorts' common confidence level.

        Returns
        -------
        DataFrame
            The columns of ``pooled_outcomes``: ``k`` cohorts pooled, ``estimate``, its interval,
            ``tau2``, ``i2``, ``q``, the prediction interval and ``method``.

        Raises
        ------
        ParameterError
            An unknown name or wrong type (checked before anything is computed), a name with no
            estimate to pool, or fewer than two cohorts.

        Warns
        -----
        PoolingWarning
            Pooling over two cohorts (τ² and I² rest on almost nothing); rows where fewer than
            two cohorts have an estimate (not pooled), in one warning.

        Notes
        -----
        ``docs/methods.md``, "Pooling cohorts" and "Pooling cohorts: outcomes".

        Examples
        --------
        >>> import evaluation as ev
        >>> ltd = ev.load_programme("leading-to-deliver")
        >>> row = ltd.pool(scales="observed_leading_change", comparisons="pre_post", measures="mean_change").iloc[0]
        >>> int(row["k"]), *(round(float(row[c]), 2) for c in ("estimate", "ci_low", "ci_high"))
        (5, 0.14, 0.06, 0.23)
        """
        data = self._pooled_cohorts(cohorts)
        level = check_confidence_level(data.confidence_level if confidence_level is None else confidence_level)
        # every name is checked before anything is computed or warned about
        possible = {"scale": list(dict.fromkeys(s for c in data for s in c.titles)),
                    "rater": sorted({str(r) for c in data for r in c.scale_scores["rater"].unique()}),
                    "comparison": list(dict.fromkeys(k for c in data for k in c.cohort.comparisons))}
        wanted = {column: check_names(value, f"{column}s", possible[column])
                  for column, value in (("scale", scales), ("rater", raters), ("comparison", comparisons))}
        chosen = check_names(measures, "measures", list(MEASURES))
        changes = cohort_changes(data)
        for column, names in wanted.items():
            if names is not None:
                there = list(dict.fromkeys(changes[column]))
                if missing := [n for n in names if n not in there]:
                    raise ParameterError(f"`{column}s`: no cohort has an estimate of {', '.join(map(repr, missing))} "
                                         f"to pool; those with one are {', '.join(map(repr, there))}")
                changes = changes[changes[column].isin(names)]
        titles = {scale: title for c in data for scale, title in c.titles.items()}
        return pooled_outcomes(changes, level, chosen, titles=titles).reset_index(drop=True)

    def _pooled_cohorts(self, cohorts: Any) -> ProgrammeData:
        """The programme's data restricted to ``cohorts`` (all: None), two or more of them."""
        data = self.data
        if cohorts is None:
            if len(data.cohorts) < 2:
                raise ParameterError(f"`cohorts`: a pool needs two or more cohorts, and {self.name} has only cohort(s) "
                                     f"{', '.join(map(str, data.cohorts))}; see each cohort's .outcomes() instead")
            return data
        numbers = [cohort_key(c) for c in cohorts] if isinstance(cohorts, Iterable) and not isinstance(cohorts, str) \
            else None
        if numbers is None or any(n not in data.cohorts for n in numbers) or len(set(numbers)) < 2:
            raise ParameterError(f"`cohorts` must list two or more different cohorts of {self.name} "
                                 f"({', '.join(map(str, data.cohorts))}) to pool, e.g. [2, 3]; got {cohorts!r}")
        return ProgrammeData(data.programme, {n: data.cohorts[n] for n in dict.fromkeys(numbers)})

    def report(self) -> programme_report.ProgrammeReport:
        """The programme report's tables, findings and summaries (what ``make programme`` publishes).

        Returns
        -------
        ProgrammeReport
            ``tables`` (by the name of their file), ``findings``, ``summaries`` (Markdown, by
            section) and ``details``. Computed once per :class:`Programme` and kept (it takes
            about half a minute for the shipped data); each call gives a copy, so that a change
            to its tables never reaches a later call.

        Notes
        -----
        ``docs/methods.md``, "Pooling cohorts: outcomes", "… where it works", "… costs" and
        "… equity".

        Examples
        --------
        >>> import evaluation as ev
        >>> report = ev.load_programme("leading-to-deliver").report()   # doctest: +SKIP
        >>> list(report.tables)[:2]                                      # doctest: +SKIP
        ['programme_outcomes', 'pooled_outcomes']
        """
        if "programme" not in self._reports:
            self._reports["programme"] = programme_report.build(self.data)
        return fresh(self._reports["programme"])

    def success_cases(self, per_group: int = 3) -> pd.DataFrame:
        """The success-case frame (Brinkerhoff): the strongest and weakest reliable changers of each
        group, by pseudonymised id, to sample for interviews. **For evaluators only**: it names
        people, so it is never published (see
        :func:`evaluation.reports.programme_report.success_cases.success_cases`).

        Parameters
        ----------
        per_group : int, default 3
            How many of the strongest and of the weakest changers to list per group.

        Returns
        -------
        DataFrame
            ``scale, comparison, rater, dimension, category, case, rank, participant_id, cohort,
            change, rci, direction``.

        Notes
        -----
        Brinkerhoff's Success Case Method, ranked by reliable change index (``docs/methods.md``,
        "Pre/post change"; README, "Interview frame").

        Examples
        --------
        >>> import evaluation as ev
        >>> frame = ev.load_programme("leading-to-deliver").success_cases()
        >>> sorted(frame["case"].unique())
        ['non-success', 'success']
        """
        return success_cases(self.data, per_group=per_group)

    def reliability(self, *, confidence_level: float = RELIABILITY_LEVEL) -> pd.DataFrame:
        """Each cohort's :meth:`Cohort.reliability` (same argument), stacked with a first column ``cohort``.

        Notes
        -----
        ``docs/methods.md``, "Reliability".

        Examples
        --------
        >>> import evaluation as ev
        >>> table = ev.load_programme("leading-to-deliver").reliability()
        >>> table.columns[:3].tolist(), sorted(table["cohort"].unique().tolist())
        (['cohort', 'scale', 'wave'], [1, 2, 3, 4, 5])
        """
        return self._stack("reliability", confidence_level=confidence_level)

    def costs(self, *, confidence_level: float | None = None) -> pd.DataFrame:
        """Each cohort's :meth:`Cohort.costs` (same argument; default each cohort's own level), stacked
        with a first column ``cohort``.

        Notes
        -----
        Each cohort in its own base-year prices (``price_base_year``); ``docs/methods.md``,
        "Costs" and "Pooling cohorts: costs".

        Examples
        --------
        >>> import evaluation as ev
        >>> costs = ev.load_programme("collaborative-leadership").costs()
        >>> costs.columns[:3].tolist()
        ['cohort', 'measure', 'value']
        """
        return self._stack("costs", confidence_level=confidence_level)

    def equity(self, *, confidence_level: float | None = None) -> pd.DataFrame:
        """Each cohort's :meth:`Cohort.equity` (same argument; default each cohort's own level), stacked
        with a first column ``cohort``.

        Notes
        -----
        ``docs/methods.md``, "Equity of access"; the pooled table is the programme report's
        ``equity_pooled`` (:meth:`report`).

        Examples
        --------
        >>> import evaluation as ev
        >>> equity = ev.load_programme("collaborative-leadership").equity()
        >>> equity.columns[:3].tolist()
        ['cohort', 'dimension', 'category']
        """
        return self._stack("equity", confidence_level=confidence_level)
