"""Costs across a programme's cohorts: cost per place and per reliable improver, in real prices.

:func:`cost_trends` costs every cohort with the cohort cost report's own
:func:`~evaluation.reports.cost_report.cohort_costs` (same ledger, same reliable improvers, same
seeded bootstrap), at ONE price base year for the whole table, and adds the programme's totals
over all its cohorts. :func:`cost_summary_markdown` states the trend in plain words and
:func:`cost_findings` gives the findings (ids ``programme.costs.…``, table ``cost_trends``).

Every figure is about a whole cohort or the whole programme: nothing here is broken down by
participant characteristics, so no disclosure control is needed (CONTRACT section 5.3).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaluation.core.errors import ParameterError
from evaluation.core.text import md
from evaluation.data.programme import ProgrammeData
from evaluation.reports.cost_report import CohortCosts, cohort_costs
from evaluation.reports.cost_report.cohort import programme_interval
from evaluation.reports.findings import Finding
from evaluation.reports.labels import counted
from evaluation.reports.numbers import level_percent, money_interval
from evaluation.stats import costs as ct

__all__ = [
    "COST_TREND_COLUMNS",
    "TABLE",
    "cost_findings",
    "cost_summary_markdown",
    "cost_trends",
    "programme_base_year",
    "programme_interval",
]

#: The published table (``tables/cost_trends.csv``).
TABLE = "cost_trends"
#: Money measures of :func:`cost_trends`, economic first then cash (as the cohort report's ``cash_`` measures).
MONEY = ("total_cost", "cash_total_cost", "cost_per_enrolled", "cash_cost_per_enrolled", "cost_per_completer",
         "cash_cost_per_completer", "cost_per_reliable_improver", "cash_cost_per_reliable_improver")
#: Measures with a bootstrap interval (an outcome measured with error enters them).
WITH_INTERVAL = ("cost_per_reliable_improver", "cash_cost_per_reliable_improver")
COST_TREND_COLUMNS = [
    "level", "cohort", "year", "price_base_year", "cohort_price_base_year", "unit", "enrolled", "completed",
    "reliable_improvers", *[c for m in MONEY for c in ((m, f"{m}_ci_low", f"{m}_ci_high") if m in WITH_INTERVAL
                                                       else (m,))],
    "confidence_level", "participant_time_source",
]
#: A change of less than this share (first cohort to last) is described as "about the same".
STEADY = 0.05


def programme_base_year(data: ProgrammeData) -> tuple[int, list[str]]:
    """The one price base year of the programme's cost table, and notes on any re-basing.

    The cohorts' common ``price_base_year``; when they differ, the latest of them, to which
    every cohort is re-based with the GDP deflator (a note says so).

    Raises
    ------
    ParameterError
        The cohorts' base years differ and some cohort's deflators lack the chosen year.
    """
    years = {c.cohort.cohort: int(c.cohort.price_base_year) for c in data}
    base = max(years.values())
    if len(set(years.values())) == 1:
        return base, []
    for c in data:
        have = set(pd.to_numeric(c.deflators["year"]).astype(int))
        if base not in have:
            raise ParameterError(
                f"params/{data.name}/cohort-{c.cohort.cohort}.yaml: the cohorts' `price_base_year` differ ({years}); "
                f"re-basing them all to {base} needs a GDP deflator for {base}, which the deflators table lacks: "
                "add it, or set one `price_base_year` under `defaults:` in programme.yaml")
    return base, [f"The cohorts' price base years differ ({', '.join(f'cohort {k}: {v}' for k, v in years.items())}); "
                  f"every cohort is re-based to {base} prices with the GDP deflator."]


def _costed(data: ProgrammeData) -> tuple[int, list[CohortCosts]]:
    base, _ = programme_base_year(data)
    level = data.confidence_level
    return base, [cohort_costs(c, base_year=base, confidence_level=level) for c in data]


def cost_trends(data: ProgrammeData) -> pd.DataFrame:
    """Each cohort's cost per place, per completer and per reliable improver, and the programme's totals.

    Parameters
    ----------
    data : ProgrammeData

    Returns
    -------
    DataFrame
        :data:`COST_TREND_COLUMNS`: one row per cohort (``level`` = ``cohort``) and one for the
        programme over all its cohorts (``level`` = ``programme``, ``cohort`` and ``year``
        blank). Money in real prices at one ``price_base_year`` (``cohort_price_base_year`` is
        each cohort's own parameter); economic figures (participants' time included) and their
        ``cash_`` twins (what the commissioner pays).

    Raises
    ------
    ParameterError
        Cohorts with different ``price_base_year`` that cannot be re-based
        (:func:`programme_base_year`), or different confidence levels.

    Notes
    -----
    Each cohort's figures are those of its own cost report
    (:func:`evaluation.reports.cost_report.cohort_costs` with the table's base year and the
    programme's confidence level): real = nominal × D_base / D_year (HM Treasury GDP deflator),
    fully loaded costs, C(n) = F + v·n; cost per enrolled = C / enrolled, per completer =
    C / completed, per reliable improver = C / reliable improvers on the primary scale (no
    scores = not improved), with its seeded percentile bootstrap interval (participants
    resampled with cost and outcome together; Campbell & Torgerson 1999). The programme row is
    ΣC / Σ enrolled (and so on) over the cohorts: counted money without an interval, except
    the cost per reliable improver, whose interval resamples participants within each cohort
    (:func:`programme_interval`).

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> table = cost_trends(load_programme_data("collaborative-leadership"))
    >>> table[["level", "cohort", "price_base_year"]].to_dict("records")
    [{'level': 'cohort', 'cohort': 1, 'price_base_year': 2024}, {'level': 'programme', ...}]
    """
    own = {c.cohort.cohort: int(c.cohort.price_base_year) for c in data}
    return _table(*_costed(data), data.confidence_level, own)


def _table(base: int, costed: list[CohortCosts], level: float, own: dict[int, int]) -> pd.DataFrame:
    rows = []
    for cc in costed:
        table = cc.summary.set_index("measure")
        row = {"level": "cohort", "cohort": cc.cohort, "year": cc.year,
               "cohort_price_base_year": None, "enrolled": cc.ledger.enrolled, "completed": cc.ledger.completed,
               "reliable_improvers": int(cc.improvement["improved"].sum()),
               "participant_time_source": cc.ledger.participant_time_source}
        for m in MONEY:
            row[m] = float(table.loc[m, "value"])
            if m in WITH_INTERVAL:
                row[f"{m}_ci_low"] = float(table.loc[m, "ci_low"])
                row[f"{m}_ci_high"] = float(table.loc[m, "ci_high"])
        rows.append(row)
    sums = {k: sum(r[k] for r in rows) for k in ("enrolled", "completed", "reliable_improvers", "total_cost",
                                                   "cash_total_cost")}
    total = {"level": "programme", "cohort": None, "year": None, **sums,
             "participant_time_source": ", ".join(sorted({r["participant_time_source"] for r in rows}))}
    for view, cost in (("", sums["total_cost"]), ("cash_", sums["cash_total_cost"])):
        for measure, n in (("cost_per_enrolled", "enrolled"), ("cost_per_completer", "completed"),
                           ("cost_per_reliable_improver", "reliable_improvers")):
            total[view + measure] = cost / sums[n] if sums[n] else math.nan
    total.update(programme_interval(costed, level))
    rows.append(total)
    out = pd.DataFrame(rows).reindex(columns=COST_TREND_COLUMNS)
    out["price_base_year"] = base
    out["unit"] = ct.money_unit(base)
    out["confidence_level"] = level
    out["cohort_price_base_year"] = [None if pd.isna(k) else own[int(k)] for k in out["cohort"]]
    for column in ("cohort", "year", "enrolled", "completed", "reliable_improvers", "price_base_year",
                   "cohort_price_base_year"):
        out[column] = out[column].astype("Int64")
    for column in [c for c in COST_TREND_COLUMNS if c.startswith(MONEY)]:
        out[column] = out[column].astype("float64")
    return out


# ------------------------------------------------------------------------------ words


def _money(x: float) -> str:
    return "not available" if x is None or (isinstance(x, float) and math.isnan(x)) else f"£{x:,.0f}"


def trend_sentence(values: pd.Series, what: str, intervals: tuple[pd.Series, pd.Series] | None = None,
                   pct: str = "95%") -> str:
    """One plain sentence on a money figure across cohorts (index: cohort number).

    First cohort to last: "rose" or "fell" when the last differs from the first by at least
    :data:`STEADY` of the first, else "was about the same"; with the lowest and highest cohorts.
    A figure with a sampling interval (``intervals``: low and high, indexed as ``values``) is
    said to rise or fall only when the first and last cohorts' intervals do not overlap;
    otherwise the two values are given and the sentence says the difference may be chance.

    Notes
    -----
    Counted money has no sampling error, so any change in it is real; the cost per reliable
    improver divides it by a count of people measured with error (Jacobson & Truax 1991), and
    two cohorts' figures differ clearly only when their intervals are apart. Intervals that
    do not overlap is a conservative test (Schenker & Gentleman 2001, *The American
    Statistician* 55:182–186): overlapping ones do not prove the figures equal, so the sentence
    says only that the difference may be chance.

    Examples
    --------
    >>> trend_sentence(pd.Series([83624.0, 89236.0, 128771.0, 140725.0, 127760.0], index=[1, 2, 3, 4, 5]),
    ...                "Cost per reliable improver")
    'Cost per reliable improver rose from £83,624 in cohort 1 to £127,760 in cohort 5 (lowest £83,624 in cohort 1, highest £140,725 in cohort 4).'
    >>> trend_sentence(pd.Series([83624.0, 127760.0], index=[1, 5]), "Cost per reliable improver",
    ...                (pd.Series([56822.0, 78715.0], index=[1, 5]), pd.Series([141986.0, 279350.0], index=[1, 5])))
    'Cost per reliable improver was £83,624 in cohort 1 and £127,760 in cohort 5; their 95% intervals overlap (£56,822 to £141,986 and £78,715 to £279,350), so the difference may be chance.'
    >>> trend_sentence(pd.Series([10461.0, 10712.0], index=[1, 2]), "Cash cost per place")
    'Cash cost per place was about the same in cohort 2 as in cohort 1 (£10,712 and £10,461).'
    >>> trend_sentence(pd.Series([10461.0, 10402.0, 10712.0], index=[1, 2, 3]), "Cash cost per place")
    'Cash cost per place was about the same in cohort 3 as in cohort 1 (£10,712 and £10,461; lowest £10,402 in cohort 2, highest £10,712 in cohort 3).'
    """
    v = values.dropna()
    if v.empty:
        return f"{what} is not available for any cohort."
    if len(v) == 1:
        return f"{what} was {_money(v.iloc[0])} (cohort {v.index[0]}: the only cohort, so there is no trend)."
    first, last = v.index[0], v.index[-1]
    a, b = float(v.iloc[0]), float(v.iloc[-1])
    lo, hi = v.idxmin(), v.idxmax()
    spread = "" if len(v) == 2 else (f"lowest {_money(v[lo])} in cohort {lo}, highest {_money(v[hi])} "
                                     f"in cohort {hi}")
    if abs(b - a) < STEADY * a:
        return (f"{what} was about the same in cohort {last} as in cohort {first} ({_money(b)} and {_money(a)}"
                + (f"; {spread})." if spread else ")."))
    if intervals is not None:
        low, high = intervals
        ends = [(float(low.get(k, math.nan)), float(high.get(k, math.nan))) for k in (first, last)]
        known = not any(math.isnan(x) for end in ends for x in end)
        if not known or max(ends[0][0], ends[1][0]) <= min(ends[0][1], ends[1][1]):
            why = (f"their {pct} intervals overlap ({_money(ends[0][0])} to {_money(ends[0][1])} and "
                   f"{_money(ends[1][0])} to {_money(ends[1][1])}), so the difference may be chance" if known else
                   f"one of the two has no {pct} interval, so whether the difference is more than chance "
                   "cannot be judged")
            return (f"{what} was {_money(a)} in cohort {first} and {_money(b)} in cohort {last}"
                    + (f" ({spread})" if spread else "") + f"; {why}.")
    verb = "rose" if b > a else "fell"
    apart = "" if intervals is None else f"; their {pct} intervals do not overlap"
    return f"{what} {verb} from {_money(a)} in cohort {first} to {_money(b)} in cohort {last}" + (
        f" ({spread})" if spread else "") + apart + "."


def cost_summary_markdown(table: pd.DataFrame) -> str:
    """The plain-language summary of :func:`cost_trends` (Markdown, text from data escaped)."""
    cohorts = table[table["level"] == "cohort"].set_index("cohort")
    programme = table[table["level"] == "programme"].iloc[0]
    base = int(table["price_base_year"].iloc[0])
    pct = level_percent(float(table["confidence_level"].iloc[0]))
    lines = [f"All money is in {base} prices (HM Treasury GDP deflator). The economic cost counts participants' "
             "time; the cash cost is what the commissioner pays."]
    own = cohorts["cohort_price_base_year"].dropna().astype(int)
    if (own != base).any():
        lines.append(md(f"The cohorts' own price base years differ ({', '.join(map(str, sorted(set(own))))}); "
                        f"every cohort is re-based to {base} prices with the GDP deflator."))
    if len(cohorts) < 2:
        lines.append("The programme has one cohort with costs, so there is no trend across cohorts: the figures "
                     "are that cohort's, as in its own cost report.")
    lines += [
        trend_sentence(cohorts["cash_cost_per_enrolled"], "Cash cost per place"),
        trend_sentence(cohorts["cost_per_enrolled"], "Economic cost per place"),
        *(trend_sentence(cohorts[f"{view}cost_per_reliable_improver"], f"{name} cost per reliable improver",
                         (cohorts[f"{view}cost_per_reliable_improver_ci_low"],
                          cohorts[f"{view}cost_per_reliable_improver_ci_high"]), pct)
          for view, name in (("", "Economic"), ("cash_", "Cash"))),
    ]
    if len(cohorts) >= 2:
        first, last = cohorts.iloc[0], cohorts.iloc[-1]
        lines.append(f"{int(first['reliable_improvers'])} of {int(first['enrolled'])} participants reliably "
                     f"improved in cohort {cohorts.index[0]}, and {int(last['reliable_improvers'])} of "
                     f"{int(last['enrolled'])} in cohort {cohorts.index[-1]}: shares of everyone with a place, "
                     "since the cost is spread over all of them (the outcome trends give shares of the people "
                     "rated both before and at the end).")
    widest = cohorts.assign(width=cohorts["cost_per_reliable_improver_ci_high"]
                            - cohorts["cost_per_reliable_improver_ci_low"])["width"].dropna()
    if len(widest):
        k = widest.idxmax()
        r = cohorts.loc[k]
        ci = money_interval(r["cost_per_reliable_improver_ci_low"], r["cost_per_reliable_improver_ci_high"])
        lines.append(f"Each cohort's cost per reliable improver has a wide {pct} interval, because few people "
                     f"reliably improve (widest: cohort {k}, {ci})."
                     if len(cohorts) > 1 else
                     f"The cost per reliable improver has a wide {pct} interval ({ci}), because few people "
                     "reliably improve.")
    span = money_interval(programme["cost_per_reliable_improver_ci_low"], programme["cost_per_reliable_improver_ci_high"])
    lines.append(
        f"Over {({1: 'its one cohort', 2: 'both its cohorts'}).get(len(cohorts), f'all {len(cohorts)} cohorts')} "
        f"the programme cost {_money(programme['total_cost'])} "
        f"({_money(programme['cash_total_cost'])} in cash) for {counted(int(programme['enrolled']), 'place')}: "
        f"{_money(programme['cost_per_enrolled'])} per place ({_money(programme['cash_cost_per_enrolled'])} cash) "
        f"and {_money(programme['cost_per_reliable_improver'])} per reliable improver "
        f"({counted(int(programme['reliable_improvers']), 'person', 'people')} reliably improved; "
        + (f"{pct} interval {span}, resampling within each cohort)." if span else f"no {pct} interval)."))
    return "\n".join(f"- {line}" for line in lines) + "\n"


# ------------------------------------------------------------------------------ findings

_FINDINGS = (
    ("cost_per_enrolled", "cost_per_place", "Economic cost per place"),
    ("cash_cost_per_enrolled", "cash_cost_per_place", "Cash cost per place"),
    ("cost_per_reliable_improver", "cost_per_reliable_improver", "Economic cost per reliable improver"),
    ("cash_cost_per_reliable_improver", "cash_cost_per_reliable_improver", "Cash cost per reliable improver"),
)


def cost_findings(data: ProgrammeData, table: pd.DataFrame | None = None) -> list[Finding]:
    """The findings of the costs section (ids ``programme.costs.…``, table ``cost_trends``).

    Per cohort ``programme.costs.cohort_<n>.<measure>`` and over the programme
    ``programme.costs.programme.<measure>``, for the cost per place and per reliable improver
    (economic and cash), and ``programme.costs.programme.total_cost``. ``table`` (from
    :func:`cost_trends`) saves recomputing it; without it the findings are re-derived from
    ``data`` (as ``verify`` does).
    """
    table = cost_trends(data) if table is None else table
    unit = str(table["unit"].iloc[0])
    prices = f"in {int(table['price_base_year'].iloc[0])} prices"  # the unit, "GBP (2024 prices)", in words
    out = []
    for row in table.to_dict("records"):
        where = "the programme (all cohorts)" if row["level"] == "programme" else f"cohort {row['cohort']}"
        key = "programme" if row["level"] == "programme" else f"cohort_{row['cohort']}"
        for column, name, words in _FINDINGS:
            low = row.get(f"{column}_ci_low", np.nan)
            high = row.get(f"{column}_ci_high", np.nan)
            value = row[column]
            statement = f"{words}, {where}: {_money(value)} {prices}"
            if not (pd.isna(low) or pd.isna(high)):
                statement += f", {level_percent(row['confidence_level'])} interval {_money(low)} to {_money(high)}"
            out.append(Finding(f"programme.costs.{key}.{name}", statement + ".",
                               None if pd.isna(value) else float(value),
                               None if pd.isna(low) else float(low), None if pd.isna(high) else float(high),
                               unit, TABLE))
    programme = table[table["level"] == "programme"].iloc[0]
    out.append(Finding("programme.costs.programme.total_cost",
                       f"Economic cost of all the programme's cohorts: {_money(programme['total_cost'])} {prices}.",
                       float(programme["total_cost"]), None, None, unit, TABLE))
    return out
