"""Equity of access pooled over a programme's cohorts, safe to publish beside the cohort reports.

:func:`pooled_equity` sums each cohort's places per dimension × category and the eligible
headcount of each cohort's year (as the cohort equity report chooses it), and gives rates per
1,000 eligible staff-years, shares, the representation index and a Mantel–Haenszel relative
likelihood stratified by cohort (:func:`mantel_haenszel_rr`), banded with the cohort report's
rule. Disclosure control (:func:`pooled_disclosure`) makes the pooled counts safe by
construction: a pooled count is shown only if neither it nor "pooled − the counts the cohort
reports publish" can reveal a group the cohort reports withheld. The plain-language summary
and the findings (ids ``programme.equity.…``, table ``equity_pooled``) are
:func:`~evaluation.reports.programme_report.equity_text.equity_summary_markdown` and
:func:`~evaluation.reports.programme_report.equity_text.equity_findings`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.core.checks import check_confidence_level
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import UNDECLARED
from evaluation.data.programme import ProgrammeData
from evaluation.reports.equity_report import EQUITY_COLUMNS
from evaluation.reports.equity_report.tables import _choose_reference, equity_core
from evaluation.reports.programme_report.plans import CohortPlans
from evaluation.stats import disclosure
from evaluation.stats import equity as eq
from evaluation.stats.pooling import PoolingWarning

__all__ = [
    "POOLED_COLUMNS",
    "TABLE",
    "PooledEquity",
    "cohort_cells",
    "mantel_haenszel_rr",
    "pooled_disclosure",
    "pooled_equity",
]

#: The published table (``tables/equity_pooled.csv``).
TABLE = "equity_pooled"
#: Its columns: the cohort report's ``equity.csv`` columns, then these.
POOLED_COLUMNS = [*EQUITY_COLUMNS, "reference_category", "workforce_years", "population", "benchmark", "n_cohorts"]
_DEPENDENT = ["rate_per_1000", "share_participants", "representation_index", "relative_likelihood", "rl_ci_low",
              "rl_ci_high"]
#: A pooled category's benchmark when cohorts disagree: the first of these that any cohort gives it (so a
#: category is benchmarked only when every cohort with a row for it has an eligible headcount for it).
_BENCHMARK_ORDER = ("national_bodies", "outside_eligible_population", "no_workforce_figure", "eligible_population")


@dataclass(frozen=True, repr=False)
class PooledEquity(ResultDisplay):
    """Equity of access pooled over cohorts: the published table and what stays private.

    ``tables``: ``equity_pooled`` (:data:`POOLED_COLUMNS`, after disclosure control) — safe
    to publish. ``log``: what was suppressed, with the pooled values (evaluator only).
    ``notes``: ``source, warning, message`` rows. ``cohorts``: the cohorts pooled;
    ``references``: the reference category per dimension.
    """

    tables: dict[str, pd.DataFrame]
    log: pd.DataFrame
    notes: pd.DataFrame
    cohorts: tuple[int, ...]
    references: dict[str, str] = field(default_factory=dict)
    band: tuple[float, float] = (0.80, 1.25)
    confidence_level: float = 0.95
    population: str = eq.ALL_STAFF


def mantel_haenszel_rr(a, n1, c, n0, *, confidence_level: float = 0.95) -> tuple[float, float, float]:
    """Mantel–Haenszel ratio of two proportions over strata, with the Greenland–Robins log CI.

    Parameters
    ----------
    a, n1 : array-like
        Per stratum (cohort): places and eligible headcount of the category.
    c, n0 : array-like
        Per stratum: places and eligible headcount of the reference category.
    confidence_level : float, default 0.95

    Returns
    -------
    ratio, low, high : float
        NaN when the reference has no places in any stratum. When the category has no places
        in any stratum the ratio is 0 and the interval ``[0, U]``, U the upper limit of the
        Katz interval of the summed counts with 0.5 added to both counts and both denominators
        (:func:`evaluation.stats.equity.katz_ci`, as the cohort report does for a zero count).

    Notes
    -----
    With ``N_k = n1_k + n0_k`` and ``M_k = a_k + c_k`` per stratum k (Greenland & Robins 1985,
    *Biometrics* 41:55–68; Rothman, Greenland & Lash, *Modern Epidemiology*, 3rd ed., ch. 15):

    ``RR_MH = Σ(a_k·n0_k/N_k) / Σ(c_k·n1_k/N_k)``,
    ``Var[ln RR_MH] = Σ((M_k·n1_k·n0_k − a_k·c_k·N_k)/N_k²) / (Σ(a_k·n0_k/N_k) · Σ(c_k·n1_k/N_k))``,
    ``CI = exp(ln RR_MH ± z·SE)``. With one stratum this is the Katz log interval of the cohort
    report exactly: Var = 1/a − 1/n1 + 1/c − 1/n0. The same as R metafor's
    ``rma.mh(ai=a, bi=n1-a, ci=c, di=n0-c, measure="RR")``. Strata where either group has no
    eligible headcount are left out.

    Examples
    --------
    >>> rr, lo, hi = mantel_haenszel_rr([10], [83170], [47], [62380])  # one stratum: Katz
    >>> round(rr, 4), round(lo, 4), round(hi, 4)
    (0.1596, 0.0806, 0.3159)
    """
    level = check_confidence_level(confidence_level)
    a, n1, c, n0 = (np.asarray(x, dtype="float64") for x in (a, n1, c, n0))
    keep = (n1 > 0) & (n0 > 0)
    a, n1, c, n0 = a[keep], n1[keep], c[keep], n0[keep]
    if not keep.any() or c.sum() == 0:
        return np.nan, np.nan, np.nan
    if a.sum() == 0:
        ratio, low, high = eq.katz_ci(0.0, n1.sum(), c.sum(), n0.sum(), confidence_level=level)
        return float(ratio), float(low), float(high)
    n = n1 + n0
    r, s = (a * n0 / n).sum(), (c * n1 / n).sum()
    rr = r / s
    var = ((a + c) * n1 * n0 / n**2 - a * c / n).sum() / (r * s)
    z = stats.norm.isf((1 - level) / 2)
    se = np.sqrt(var)
    return float(rr), float(np.exp(np.log(rr) - z * se)), float(np.exp(np.log(rr) + z * se))


def cohort_cells(data: ProgrammeData, dimensions: list[str], *, plans: CohortPlans | None = None) -> pd.DataFrame:
    """Each cohort's places per dimension × category: the true count and what its report publishes.

    Parameters
    ----------
    data : ProgrammeData
    dimensions : list of str
    plans : CohortPlans, optional
        Each cohort's disclosure plan, shared with the other sections of the programme report
        (made here when not given).

    Returns
    -------
    DataFrame
        ``cohort, dimension, category, participants`` (true count), ``published`` (the count in
        the cohort report's ``equity.csv``, missing where it is withheld), ``flag`` (its
        ``suppressed``), ``eligible``, ``benchmark``, ``workforce_year``, ``declaration_published``
        (the cohort report publishes the dimension's declaration rate, so the number who did not
        declare) — the cohort report's
        own (:func:`evaluation.reports.equity_report.equity_tables`: its ``equity`` and
        ``declaration`` tables, :func:`~evaluation.reports.equity_report.tables.equity_core`), so that the eligible
        population of each cohort's year and the treatment of national bodies and of people
        outside the eligible population are the cohort report's.
    """
    frames = []
    for c in data:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            core = equity_core(c, plan=None if plans is None else plans(c))
            table = core.equity
            counts = core.counts
        decl = core.declaration
        table = table[table["dimension"].isin(dimensions)]
        declared = dict(zip(decl["dimension"], decl["suppressed"] == "", strict=True))
        true = counts.set_index(["dimension", "category"])["participants"]
        keys = list(zip(table["dimension"], table["category"].astype(str), strict=True))
        frames.append(pd.DataFrame({
            "cohort": c.cohort.cohort, "dimension": table["dimension"].to_numpy(),
            "category": table["category"].astype(str).to_numpy(),
            "participants": [int(true.get(k, 0)) for k in keys],
            "published": table["participants"].astype("Float64").to_numpy(),
            "flag": table["suppressed"].astype(str).to_numpy(),
            "eligible": table["eligible"].astype("float64").to_numpy(),
            "benchmark": table["benchmark"].astype(str).to_numpy(),
            "workforce_year": table["workforce_year"].to_numpy(),
            "declaration_published": table["dimension"].map(declared).fillna(False).astype(bool).to_numpy(),
        }))
    return pd.concat(frames, ignore_index=True)


def pooled_disclosure(cells: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Which pooled counts may be published, given what each cohort report withheld.

    Parameters
    ----------
    cells : DataFrame
        ``cohort, dimension, category, participants, flag`` (:func:`cohort_cells`): each
        cohort's true count and the cohort report's suppression flag (``""`` = published).
    threshold : int
        The programme's disclosure threshold.

    Returns
    -------
    DataFrame
        ``dimension, category, participants`` (pooled), ``withheld`` (Σ of the cohort counts
        the cohort reports withheld), ``flag`` (``""``, ``primary``, ``secondary`` or
        ``withheld``), ``reason``.

    Notes
    -----
    One :func:`evaluation.stats.disclosure.protect` problem per dimension whose cells are every
    cohort's counts (published ones fixed, withheld ones forced with the cohort report's
    label), the cohorts' totals (published), the pooled counts and their total, linked by the
    lines a reader can use: each cohort's categories add up to its total, each category's
    cohorts add up to its pooled count, the pooled counts add up to the pooled total, and, where
    ``cells`` has ``declaration_published`` True for a cohort, its undeclared categories
    (:data:`~evaluation.core.vocabulary.UNDECLARED`) add up to the number who did not declare
    (published through the declaration rate). Before
    that, a pooled count of at least ``threshold`` is suppressed when the sum of the counts the
    cohort reports withheld for its category is from 1 to threshold − 1 (pooled − Σ published
    would reveal it); then secondary suppression, among the pooled counts only, until no
    withheld or suppressed count follows from what the cohort reports and this table publish.
    If nothing is left to suppress and some count still follows, the whole dimension is
    withheld.
    """
    out = []
    for dim, grp in cells.groupby("dimension", sort=False):
        cats = list(dict.fromkeys(grp["category"]))
        cohorts = list(dict.fromkeys(grp["cohort"]))
        m, k = len(cats), len(cohorts)
        value = {(r.cohort, r.category): float(r.participants) for r in grp.itertuples()}
        flag = {(r.cohort, r.category): r.flag for r in grp.itertuples()}
        values = [value.get((j, c), 0.0) for j in cohorts for c in cats]
        totals = [sum(values[jj * m:(jj + 1) * m]) for jj in range(k)]
        pooled = [sum(values[jj * m + i] for jj in range(k)) for i in range(m)]
        withheld = [sum(values[jj * m + i] for jj in range(k) if flag.get((cohorts[jj], cats[i]), "")) for i in range(m)]
        vector_extra: list[float] = []
        labels_extra: list[str] = []
        vector = [*values, *totals, *pooled, sum(pooled)]
        p0, ptot = m * k + k, m * k + k + m
        lines = [(m * k + jj, [jj * m + i for i in range(m)]) for jj in range(k)]
        lines += [(p0 + i, [jj * m + i for jj in range(k)]) for i in range(m)]
        lines.append((ptot, [p0 + i for i in range(m)]))
        published_rates = grp.groupby("cohort")["declaration_published"].any() if "declaration_published" in grp \
            else pd.Series(False, index=cohorts)
        for jj, j in enumerate(cohorts):
            # the cohort publishes its declaration rate: the number who did not declare is known
            parts = [jj * m + i for i, c in enumerate(cats) if c in UNDECLARED]
            if not parts or not published_rates.get(j, False):
                continue
            vector_extra.append(sum(values[i] for i in parts))
            lines.append((ptot + len(vector_extra), parts))
            labels_extra.append(f"cohort {j} undeclared")
        exempt = [jj * m + i for jj in range(k) for i in range(m) if not flag.get((cohorts[jj], cats[i]), "")]
        exempt += [m * k + jj for jj in range(k)] + [ptot] + [ptot + 1 + e for e in range(len(vector_extra))]
        vector += vector_extra
        forced = {jj * m + i: ("primary" if flag[cohorts[jj], cats[i]] == "primary" else "secondary",
                               f"withheld by the cohort {cohorts[jj]} report")
                  for jj in range(k) for i in range(m) if flag.get((cohorts[jj], cats[i]), "")}
        for i in range(m):
            if 1 <= withheld[i] < threshold <= pooled[i]:
                forced[p0 + i] = ("secondary", f"secondary: the pooled count minus the counts the cohort reports "
                                               f"publish would reveal the {withheld[i]:g} they withheld")
        labels = [f"cohort {j} {c}" for j in cohorts for c in cats] + [f"cohort {j} total" for j in cohorts]
        labels += [f"pooled {c}" for c in cats] + ["pooled total"] + labels_extra
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = disclosure.protect(vector, lines, threshold=threshold, exempt=exempt, forced=forced, labels=labels)
        lost = bool(res.unprotected) or any(issubclass(w.category, disclosure.DisclosureRiskWarning) for w in caught)
        if lost:
            warnings.warn(f"dimension {dim!r}: no choice of pooled counts to suppress keeps every withheld cohort count "
                          "from being worked out, so the pooled dimension is withheld as a whole",
                          disclosure.DisclosureRiskWarning, stacklevel=2)
        for i, c in enumerate(cats):
            f, why = res.flags[p0 + i], res.reasons[p0 + i]
            if lost and pooled[i] > 0:
                f, why = "withheld", "withheld: the dimension cannot be protected otherwise"
            out.append({"dimension": dim, "category": c, "participants": int(pooled[i]), "withheld": withheld[i],
                        "flag": f, "reason": why})
    return pd.DataFrame(out, columns=["dimension", "category", "participants", "withheld", "flag", "reason"])


def pooled_equity(data: ProgrammeData, *, plans: CohortPlans | None = None) -> PooledEquity:
    """Equity of access pooled over the programme's cohorts, after disclosure control.

    Parameters
    ----------
    data : ProgrammeData
    plans : CohortPlans, optional
        Each cohort's disclosure plan (:class:`~evaluation.reports.programme_report.plans.CohortPlans`),
        shared with the other sections of the programme report; made here when not given.

    Returns
    -------
    PooledEquity

    Warns
    -----
    PoolingWarning
        The programme has one cohort: nothing is pooled (the table is that cohort's).
    DisclosureRiskWarning
        A dimension had to be withheld as a whole.

    Notes
    -----
    For dimension × category c, over cohorts k = 1..K: places ``A_c = Σ a_kc``; eligible
    ``E_c = Σ e_kc``, e_kc the headcount of the programme's eligible population in the
    workforce year nearest cohort k's year (the cohort report's denominator), so ``E_c`` is in
    staff-years and ``rate_per_1000 = 1000·A_c/E_c`` places per 1,000 eligible staff-years.
    Shares, representation index and the band as in the cohort report
    (:func:`evaluation.stats.equity.representation`, :func:`evaluation.stats.equity.classify_band`:
    ``within`` only when the whole interval lies inside the band). The relative likelihood is
    the Mantel–Haenszel ratio stratified by cohort with the Greenland–Robins interval
    (:func:`mantel_haenszel_rr`), so that a difference between cohorts' sizes and years does
    not pass for a difference between groups. National bodies get a rate and no relative
    likelihood; places outside the eligible population are counted (in every share) with no
    rate. Disclosure control: :func:`pooled_disclosure` with ``data.disclosure_threshold``.
    """
    first = next(iter(data)).cohort
    dims = [d for d in first.equity.dimensions if all(d in c.cohort.equity.dimensions for c in data)]
    level = data.confidence_level
    band = tuple(float(b) for b in first.equity.band)
    notes: list[dict] = []
    cohorts = tuple(data.cohorts)
    if len(cohorts) == 1:
        title = next(iter(data)).programme.title
        warnings.warn(f"{title} has one cohort with data: nothing is pooled, and the pooled equity table is that "
                      "cohort's own", PoolingWarning, stacklevel=2)
        notes.append({"source": "equity_pooled", "warning": "PoolingWarning", "message": "one cohort: nothing pooled"})
    cells = cohort_cells(data, dims, plans=plans)
    flags = pooled_disclosure(cells, data.disclosure_threshold)
    pooled = cells.groupby(["dimension", "category"], sort=False).agg(
        eligible=("eligible", "sum"), n_cohorts=("cohort", "nunique"),
        benchmark=("benchmark", lambda b: next(x for x in _BENCHMARK_ORDER if x in set(b))),
        workforce_years=("workforce_year", lambda y: ", ".join(str(int(v)) for v in sorted(set(y.dropna()))))
    ).reset_index()
    pooled = pooled.merge(flags, on=["dimension", "category"], how="left")
    unbenchmarked = ~pooled["benchmark"].isin(["eligible_population", "national_bodies"])
    mixed = pooled[unbenchmarked & pooled["eligible"].gt(0)]
    if len(mixed):
        notes.append({"source": "equity_pooled", "warning": "NoWorkforceFigure", "message": "some cohorts' workforce "
                      "years have no eligible headcount for " + ", ".join(f"{r.dimension} {r.category}" for r in
                      mixed.itertuples()) + ": pooled, they are counted with no rate, index or relative likelihood"})
    pooled.loc[unbenchmarked, "eligible"] = np.where(pooled.loc[unbenchmarked, "benchmark"] == "no_workforce_figure",
                                                     np.nan, 0.0)
    # one block per dimension, in the cohorts' order (as :func:`evaluation.stats.equity.representation` returns them)
    pooled = pooled.sort_values("dimension", key=lambda d: d.map({x: i for i, x in enumerate(dims)}),
                                kind="mergesort").reset_index(drop=True)
    references = {}
    for dim in dims:
        rows = pooled[pooled["dimension"] == dim]
        ref = _choose_reference(rows, rows["flag"].tolist(), first.equity.reference.get(dim), dim, notes)
        if ref is not None:
            references[dim] = ref
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = eq.representation(pooled[["dimension", "category", "participants", "eligible"]], reference=references,
                                band=band, confidence_level=level)
    rep["reference_category"] = rep["dimension"].map(references).fillna("")
    for i in rep.index:
        dim, cat = rep.at[i, "dimension"], rep.at[i, "category"]
        ref = references.get(dim)
        if ref is None or cat == ref or pooled.at[i, "benchmark"] != "eligible_population":
            rep.loc[i, ["relative_likelihood", "rl_ci_low", "rl_ci_high"]] = np.nan if cat != ref else \
                [1.0, np.nan, np.nan]
            continue
        mine = cells[(cells["dimension"] == dim) & (cells["category"] == cat)].set_index("cohort")
        theirs = cells[(cells["dimension"] == dim) & (cells["category"] == ref)].set_index("cohort")
        both = mine.index.intersection(theirs.index)
        rep.loc[i, ["relative_likelihood", "rl_ci_low", "rl_ci_high"]] = mantel_haenszel_rr(
            mine.loc[both, "participants"], mine.loc[both, "eligible"], theirs.loc[both, "participants"],
            theirs.loc[both, "eligible"], confidence_level=level)
    bands = eq.classify_band(rep["relative_likelihood"], rep["rl_ci_low"], rep["rl_ci_high"], band)
    bands[(rep["category"] == rep["reference_category"]).to_numpy()] = ""
    rep["band"] = bands
    hide = (pooled["flag"] != "").to_numpy()
    for column in _DEPENDENT:
        rep[column] = rep[column].where(~hide)
    rep["participants"] = rep["participants"].astype("Int64").where(~hide)
    rep.loc[hide, "band"] = ""
    rep["suppressed"] = pooled["flag"].to_numpy()
    rep["workforce_years"] = pooled["workforce_years"].to_numpy()
    rep["population"] = data.programme.eligible_population
    rep["benchmark"] = pooled["benchmark"].to_numpy()
    rep["n_cohorts"] = len(cohorts)
    hidden = pooled[hide]
    log = pd.DataFrame({"table": TABLE, "dimension": hidden["dimension"], "category": hidden["category"],
                        "column": "participants", "value": hidden["participants"].astype("float64"),
                        "reason": hidden["reason"]})
    return PooledEquity(
        tables={TABLE: rep[POOLED_COLUMNS].reset_index(drop=True)},
        log=log[disclosure.LOG_COLUMNS].reset_index(drop=True),
        notes=pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates().reset_index(drop=True),
        cohorts=cohorts, references=references, band=band, confidence_level=level,
        population=data.programme.eligible_population)
