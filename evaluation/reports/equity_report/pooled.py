"""The equity report's statistics on pooled cells: goodness of fit and the council-area spread.

Both are computed after disclosure control, with the suppressed categories pooled into one so
that neither can be solved for them; national bodies are not a council area (METHODS, "Equity
of access").
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluation.core.errors import DegenerateDataWarning
from evaluation.core.vocabulary import UNDECLARED
from evaluation.stats import equity as eq

__all__ = ["MONTE_CARLO_DRAWS", "council_areas", "goodness_of_fit"]

MONTE_CARLO_DRAWS = 20_000


def goodness_of_fit(counts: pd.DataFrame, hide: np.ndarray, dims: list[str], seed: int,
                     benchmark: np.ndarray, declared_published: dict[str, bool],
                     dimension_titles: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Goodness of fit per dimension over the declared categories of the eligible population, the
    suppressed ones pooled into one.

    Left out of the test: places outside the eligible population, and the undeclared categories
    ("not declared", "prefer not to say", "not recorded": the test is among those who declared);
    national bodies are left out of the council areas' test unless suppressed (then pooled, as in
    the Gini). The test's ``n`` (places tested) must already be public — every left-out group
    published, or the left-out groups exactly the undeclared ones with the declaration rate
    published — or it would reveal a withheld number; otherwise the test is not computed. A test
    with fewer than two categories or no places to test is not computed either, and the warning
    says so by the dimension's title in ``dimension_titles``.
    """
    titles = dimension_titles or {}
    rows = []
    national, outside = benchmark == "national_bodies", benchmark == "outside_eligible_population"
    undeclared = counts["category"].astype(str).isin([*UNDECLARED, "not_recorded"]).to_numpy()
    for dim in dims:
        in_dim = (counts["dimension"] == dim).to_numpy()
        left_out = in_dim & (outside | undeclared)
        mask = in_dim & ~(national & ~hide) & ~left_out
        sub = counts[mask]
        sup = hide[mask]
        e = sub["eligible"].to_numpy(dtype="float64")
        a = sub["participants"].to_numpy(dtype="float64")
        bench = np.isfinite(e) & (e > 0)
        public_n = (not (left_out & hide).any() or not sup.any()
                    or (not (left_out & outside).any() and declared_published.get(dim, False)))
        if not public_n:
            rows.append({"dimension": dim, "method": "none", "statistic": np.nan, "df": np.nan, "p_value": np.nan,
                         "n": np.nan, "categories": int(bench.sum()), "pooled_suppressed_categories": int(sup.sum()),
                         "min_expected": np.nan, "draws": 0, "description": "not computed: the number of places it "
                         "would test is not published (groups left out of the test are withheld), and the test "
                         "would reveal it"})
            continue
        obs = list(a[bench & ~sup])
        exp = list(e[bench & ~sup])
        pooled = int(sup.sum())
        pool_obs, pool_exp = a[sup].sum(), e[sup & bench].sum()
        if pooled and pool_exp > 0:
            obs.append(pool_obs)
            exp.append(pool_exp)
        elif pooled:
            warnings.warn(f"By {titles.get(dim, dim)}: the withheld categories have no eligible workforce figure and "
                          "are left out of the goodness-of-fit test", DegenerateDataWarning, stacklevel=2)
        dim_seed = [int(seed), zlib.crc32(dim.encode())]
        if not bench.any():
            res = {"method": "", "statistic": np.nan, "df": np.nan, "p_value": np.nan, "n": np.nan,
                   "categories": 0, "min_expected": np.nan, "draws": 0}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)  # said below, in the report's words
                res = eq.goodness_of_fit(obs, exp, seed=dim_seed, draws=MONTE_CARLO_DRAWS)
        why = ""
        if not bench.any():
            why = "no category of the eligible population has a workforce figure"
        elif not res["method"]:
            why = ("there are no places to test" if not res["n"] else
                   # a cohort of 3 withheld all 5 sectors, pooled into one: not "the others are outside ..."
                   "it needs at least two categories to compare, and every category it would test is withheld, so "
                   "they would be pooled into one" if pooled and not (bench & ~sup).any() else
                   f"it needs at least two categories to compare, and only {res['categories']} can be tested (the "
                   "others are outside the eligible population, undeclared or without a workforce figure)")
            warnings.warn(f"By {titles.get(dim, dim)}: the goodness-of-fit test is not computed: {why}",
                          DegenerateDataWarning, stacklevel=2)
        method = {
            "chi_square": "Pearson chi-square test (every expected count at least 5)",
            "monte_carlo": f"Monte Carlo multinomial test ({MONTE_CARLO_DRAWS:,} draws, seed {dim_seed}): some "
                           "expected counts are below 5",
            "": f"not computed: {why}",
        }[res["method"]]
        if res["method"]:
            method += "; over the eligible population's declared categories" + (
                ", places outside the eligible population left out" if (left_out & outside).any() else "")
        rows.append({
            "dimension": dim, "method": res["method"] or "none", "statistic": res["statistic"],
            "df": res["df"] if res["method"] else np.nan,  # a test not run has no degrees of freedom
            "p_value": res["p_value"], "n": res["n"], "categories": res["categories"],
            "pooled_suppressed_categories": pooled, "min_expected": res["min_expected"],
            "draws": res["draws"], "description": method,
        })
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")
    return out


def council_areas(table: pd.DataFrame, counts: pd.DataFrame, hide: np.ndarray
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Places per 1,000 by council area; Lorenz curve and Gini with suppressed areas pooled."""
    mask = (counts["dimension"] == "local_authority").to_numpy()
    columns = ["category", "participants", "eligible", "rate_per_1000", "suppressed"]
    if not mask.any():
        empty = pd.DataFrame(columns=columns)
        return empty, pd.DataFrame(columns=["unit", "rate_per_1000", "cum_workforce_share", "cum_places_share"]), \
            pd.DataFrame(columns=["measure", "value", "description"])
    pub = table[mask]
    council_mask = pub["eligible"].gt(0).to_numpy() & ~pub["category"].isin(eq.NON_COUNCIL_AREAS).to_numpy()
    council = pub[council_mask][columns].reset_index(drop=True)
    sub = counts[mask]
    sup = hide[mask]
    a = sub["participants"].to_numpy(dtype="float64")
    e = sub["eligible"].to_numpy(dtype="float64")
    bench = np.isfinite(e) & (e > 0)
    keep = council_mask & ~sup
    places, workforce = list(a[keep]), list(e[keep])
    names = sub["category"].astype(str)[keep].tolist()
    # national bodies stay out of the spread; only a suppressed national count is pooled, so that
    # it cannot be worked out from the council areas' total of places
    national = sub["category"].isin(eq.NON_COUNCIL_AREAS).to_numpy()
    national_pooled = bool((sup & national).any())
    if sup.any() and e[sup & bench].sum() > 0:
        places.append(a[sup].sum())
        workforce.append(e[sup & bench].sum())
        names.append("suppressed areas (pooled)" + (" with national bodies" if national_pooled else ""))
    if len(places) >= 2 and sum(places) > 0:
        lorenz = eq.lorenz_curve(places, workforce, names)
        g = eq.gini(places, workforce)
    else:
        warnings.warn("fewer than two council areas (or pooled groups) with places can be shown: no Lorenz curve "
                      "or Gini coefficient", DegenerateDataWarning, stacklevel=2)
        lorenz = pd.DataFrame(columns=["unit", "rate_per_1000", "cum_workforce_share", "cum_places_share"])
        g = np.nan
    # areas shown with no places; a withheld area with none would make that count false ("0" beside 29
    # areas without places in a cohort of 3), and the true count is not published: it is withheld
    zero = np.nan if (sup & council_mask & (a == 0)).any() else int((council["participants"] == 0).sum())
    pooled = bool(sup.any() and e[sup & bench].sum() > 0)
    spread = pd.DataFrame([
        {"measure": "gini", "value": g, "description": "Workforce-weighted Gini coefficient of places per 1,000 "
         "across council areas (Brown's formula; 0 = places in proportion to the eligible population)"
         + (", suppressed areas pooled into one unit, so a lower bound: how unevenly places are spread among the "
            "pooled areas is not counted" if pooled else "")},
        {"measure": "council_areas", "value": float(council_mask.sum()), "description": "Council areas compared"},
        {"measure": "council_areas_without_places", "value": float(zero),
         "description": "Council areas where no one had a place"},
        {"measure": "suppressed_areas_pooled", "value": float((sup & ~national).sum()),
         "description": "Council areas whose counts are suppressed, pooled into one unit for the Lorenz curve and "
                        "the Gini coefficient"},
        {"measure": "national_bodies_pooled", "value": float(national_pooled),
         "description": "1 when the national bodies' count is suppressed and so pooled with the suppressed areas "
                        "(it could otherwise be worked out from the council areas' total); 0 when national bodies "
                        "are left out of the spread, as they are not a council area"},
    ])
    return council, lorenz, spread
