"""The equity report's words: its headline findings and its summary for commissioners."""

from __future__ import annotations

import pandas as pd

from evaluation.core.text import md, safe_code
from evaluation.data.cohort import CohortData
from evaluation.reports.equity_report.tables import (
    DIMENSION_TITLES,
    EquityResult,
    equity_tables,
    label,
)
from evaluation.reports.equity_report.words import (
    group_words,
    illustrative_words,
    judged_words,
    lowest_completion_words,
    no_one_words,
    staff_words,
    withheld_declaration_words,
)
from evaluation.reports.findings import Finding
from evaluation.reports.labels import (
    and_list,
    aside,
    both_words,
    capitalised,
    counted,
    few_people,
    population_words,
)
from evaluation.reports.numbers import level_percent, signed

__all__ = [
    "equity_findings",
    "equity_findings_for",
    "equity_summary",
]
# ------------------------------------------------------------------------------ findings


def _band_words(band: str, low: float, high: float) -> str:
    return {
        "within": f"within the equitable band: the whole confidence interval lies inside {low:.2f}–{high:.2f}",
        "disparity": f"a disparity: the confidence interval excludes 1 and the estimate lies outside {low:.2f}–{high:.2f}",
        "inconclusive": f"inconclusive: the confidence interval does not lie wholly inside {low:.2f}–{high:.2f}, so "
                        "equal access is not shown, nor a difference beyond the band",
    }.get(band, "")


#: The Equality Act 2010 protected characteristic each participant column records (s.4).
PROTECTED_CHARACTERISTICS = {"gender": "sex", "age_band": "age", "ethnicity": "race", "disability": "disability"}
#: Who a goodness-of-fit result is about, in plain words.
_GOF_SUBJECT = {
    "sector": "Staff of the different sectors", "local_authority": "Staff of the different council areas",
    "role_level": "Staff at the different role levels", "gender": "Men and women",
    "age_band": "People of different ages", "ethnicity": "People of different ethnic groups",
    "disability": "Disabled and non-disabled people", "framework_area": "Staff of the different framework areas",
}


def _p_words(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def year_gap_words(years: dict[str, int], cohort_year: int | None) -> str:
    """Which workforce year is used, and how far it is from the cohort's year of enrolment.

    Examples
    --------
    >>> year_gap_words({"sector": 2004, "gender": 2004}, 2004)
    "the figures are for 2004, the cohort's year"
    >>> year_gap_words({"sector": 2005}, 2004)
    "the nearest year with figures is 2005, 1 year from the cohort's 2004"
    >>> year_gap_words({"sector": 2018, "gender": 2005}, 2004)
    "the nearest year with figures is 2005 for gender (1 year from the cohort's 2004) and 2018 for sector (14 years)"
    """
    distinct = sorted(set(years.values()))
    if not distinct:
        return "no workforce figures"
    if cohort_year is None:
        return "the figures are for " + ", ".join(str(y) for y in distinct)
    if distinct == [cohort_year]:
        return f"the figures are for {cohort_year}, the cohort's year"

    def gap(y: int) -> str:
        n = abs(y - cohort_year)
        return f"{n} year{'s' if n != 1 else ''}"

    if len(distinct) == 1:
        return f"the nearest year with figures is {distinct[0]}, {gap(distinct[0])} from the cohort's {cohort_year}"
    parts = []
    for i, y in enumerate(distinct):
        dims = ", ".join(DIMENSION_TITLES.get(d, d) for d, v in years.items() if v == y)
        parts.append(f"{y} for {dims} ({gap(y)}" + (f" from the cohort's {cohort_year})" if i == 0 else ")"))
    return "the nearest year with figures is " + " and ".join(parts)


def equity_findings(result: EquityResult, data: CohortData) -> list[Finding]:
    """The headline findings of the equity report, with stable ids.

    Ids: ``equity.<dimension>.<category>.relative_likelihood`` for every published,
    benchmarked category other than the reference; ``equity.<dimension>.goodness_of_fit``
    (value: the p-value); ``equity.local_authority.gini``;
    ``equity.<dimension>.declaration_rate`` when published. Built from the published tables
    only, so no finding reveals a suppressed cell.
    """
    tables = result.tables
    pct = level_percent(data.cohort.confidence_level)
    lo_band, hi_band = data.cohort.equity.band
    out = []
    for r in tables["equity"].itertuples(index=False):
        if r.suppressed or not r.reference_category or r.category == r.reference_category \
                or pd.isna(r.relative_likelihood):
            continue
        dim = DIMENSION_TITLES.get(r.dimension, r.dimension)
        who, ref = staff_words(r.category, r.dimension), staff_words(r.reference_category, r.dimension)
        band = _band_words(r.band, lo_band, hi_band)
        if r.participants == 0:
            text = (f"By {dim}: {no_one_words(r.category, r.dimension)} had a place (relative likelihood 0 against {ref}; "
                    f"{pct} CI 0 to {r.rl_ci_high:.2f}); {band}.")
        elif pd.isna(r.rl_ci_low):
            text = (f"By {dim}: {who} were {r.relative_likelihood:.2f} times as likely as {ref} to have "
                    f"a place; no confidence interval can be computed ({band}).")
        else:
            text = (f"By {dim}: {who} were {r.relative_likelihood:.2f} times as likely as {ref} to have "
                    f"a place ({pct} CI {r.rl_ci_low:.2f} to {r.rl_ci_high:.2f}); {band}.")
        out.append(Finding(f"equity.{r.dimension}.{safe_code(r.category)}.relative_likelihood", text, r.relative_likelihood,
                            r.rl_ci_low, r.rl_ci_high, f"relative likelihood (rate / rate of {r.reference_category})",
                            "equity"))
    for r in tables["goodness_of_fit"].itertuples(index=False):
        if pd.isna(r.p_value):
            continue
        dim = DIMENSION_TITLES.get(r.dimension, r.dimension)
        test = "chi-square test" if r.method == "chi_square" else "Monte Carlo multinomial test"
        verdict = "differ from" if r.p_value < 1 - data.cohort.confidence_level else "are not clearly different from"
        out.append(Finding(
            f"equity.{r.dimension}.goodness_of_fit",
            f"Places by {dim} {verdict} the eligible population's make-up ({test}, X² = {r.statistic:.1f}, "
            f"df = {int(r.df)}, {_p_words(r.p_value)}).",
            r.p_value, None, None, f"p-value ({r.method})", "equity_goodness_of_fit"))
    spread = tables["spread"]
    if len(spread) and not pd.isna(spread.set_index("measure").loc["gini", "value"]):
        values = spread.set_index("measure")["value"]
        g = float(values["gini"])
        bound = ("at least " if values.get("suppressed_areas_pooled", 0) or values.get("national_bodies_pooled", 0)
                 else "")
        out.append(Finding(
            "equity.local_authority.gini",
            f"Places per 1,000 eligible staff across council areas have a workforce-weighted Gini coefficient of "
            f"{bound}{g:.2f} (0 = in proportion to the eligible population"
            + ("; a lower bound, as the withheld areas count as one)." if bound else ")."),
            g, None, None, "Gini coefficient (0 = equal)", "equity_spread"))
    for r in tables["declaration"].itertuples(index=False):
        if r.suppressed or pd.isna(r.declaration_rate) or r.dimension not in eq_protected(data):
            continue
        out.append(Finding(
            f"equity.{r.dimension}.declaration_rate",
            f"{r.declaration_rate:.0%} of participants declared their {DIMENSION_TITLES.get(r.dimension, r.dimension)}.",
            r.declaration_rate, None, None, "share of participants", "equity_declaration"))
    return out


def equity_findings_for(data: CohortData) -> list[Finding]:
    """Re-derive the equity report's findings from a cohort's data (for ``verify``)."""
    return equity_findings(equity_tables(data), data)


def eq_protected(data: CohortData) -> list[str]:
    """Dimensions whose declaration rates are reported (the protected characteristics)."""
    return [d for d in data.cohort.equity.dimensions if d in ("gender", "age_band", "ethnicity", "disability")]


# ------------------------------------------------------------------------------- summary


def _md_label(category: str, dimension: str = "") -> str:
    """A category's words (:func:`label`), safe in the Markdown summary."""
    return md(label(category, dimension))


def equity_summary(result: EquityResult, data: CohortData) -> str:
    """The plain-language summary for commissioners (Markdown), from the published tables."""
    coh = data.cohort
    tables = result.tables
    t = coh.disclosure_threshold
    pct = level_percent(coh.confidence_level)
    lo_band, hi_band = coh.equity.band
    table = tables["equity"]
    n = len(data.participants)
    dims = list(coh.equity.dimensions)
    protected = [d for d in dims if d in PROTECTED_CHARACTERISTICS]
    access = [d for d in dims if d not in PROTECTED_CHARACTERISTICS]
    population = md(population_words(result.population))
    marked = illustrative_words(data.workforce, result.population, result.workforce_years)
    lines = [
        f"## Summary for commissioners: equity of access, {md(data.programme.title)}, cohort {coh.cohort}"
        + (f" ({result.cohort_year})" if result.cohort_year else ""),
        "",
        "**Why this matters.** Under the Equality Act 2010, public bodies must have due regard to eliminating "
        "discrimination and advancing equality of opportunity between people who share a protected characteristic "
        "and those who do not (the public sector equality duty, section 149). "
        + (("This report looks at the protected characteristics " + and_list(
            PROTECTED_CHARACTERISTICS[d] + ("" if PROTECTED_CHARACTERISTICS[d] == DIMENSION_TITLES.get(d, d)
                                            else f" (recorded as {DIMENSION_TITLES.get(d, d)})") for d in protected)
            + (", and, beside them, at " if access else ".")) if protected else "This report looks at ")
        + (and_list(DIMENSION_TITLES.get(d, d) for d in access) + " as dimensions of access." if access else ""),
        "",
        f"**Who is compared.** The {counted(n, 'person', 'people')} who had a place "
        f"{'is' if n == 1 else 'are'} compared with the programme's eligible "
        f"population, {population}, not with the whole workforce; {year_gap_words(result.workforce_years, result.cohort_year)}"
        + (f"; {marked}. " if marked else ". ") +
        "For each group, the *relative likelihood* is its rate of places per 1,000 eligible staff divided by the rate "
        "of a reference group (1 = the same chance).",
    ]
    outside = table[table["benchmark"] == "outside_eligible_population"] if "benchmark" in table else table.iloc[0:0]
    outside = outside[(outside["suppressed"] != "") | outside["participants"].fillna(0).gt(0)]
    if len(outside):
        listed = "; ".join(
            aside(_md_label(r.category, r.dimension), f"{DIMENSION_TITLES.get(r.dimension, r.dimension)}: "
                  + ("number withheld" if r.suppressed else f"{int(r.participants)} places"))
            for r in outside.itertuples())
        lines += ["", f"**Places outside the eligible population.** Some places went to people who are not "
                  f"{population}: {listed}. They are counted in the tables and in every share of places (so the "
                  "shares of the eligible groups add up to less than 100%), though not in the test of whether places "
                  "were in proportion to the eligible population, and have no rate, index or relative "
                  "likelihood, because the eligible population has no one in their group to compare them with."]
    lines.append("")
    clear = table[(table["band"] == "disparity")]
    under = clear[clear["relative_likelihood"] < 1].sort_values("relative_likelihood")
    over = clear[clear["relative_likelihood"] > 1].sort_values("relative_likelihood", ascending=False)

    def _group(category: str, dimension: str) -> str:  # "staff aged 55-64", not "55-64"
        return md(group_words(category, dimension))

    def item(r) -> str:
        ci = f"{pct} CI {r.rl_ci_low:.2f} to {r.rl_ci_high:.2f}"
        dim = DIMENSION_TITLES.get(r.dimension, r.dimension)
        ref = _group(r.reference_category, r.dimension)
        if r.participants == 0:
            return aside(_group(r.category, r.dimension), f"{dim}: no places; {ci} against {ref}")
        return aside(_group(r.category, r.dimension), f"{dim}: {r.relative_likelihood:.2f} times the chance of {ref}, {ci}")

    if len(under):
        lines.append("**Under-represented, and the data are clear about it.** " + capitalised("; ".join(
            item(r) for r in under.itertuples())) + ".")
    else:
        # a reference group can itself have had the lower chance: the pilot's local authority staff had 38% of
        # the places for 80% of the eligible staff, and the page said no group was clearly under-represented
        refs = list(dict.fromkeys(aside(_group(r.reference_category, r.dimension),
                                        f"by {DIMENSION_TITLES.get(r.dimension, r.dimension)}")
                                  for r in over.itertuples()))
        lines.append("**Under-represented.** No group can be judged: no group has a relative likelihood that can "
                     "be shown (withheld groups have none)." if not table["band"].isin(
                         ["disparity", "within", "inconclusive"]).any() else
                     "**Under-represented.** No group shown is clearly less likely to have had a place than its "
                     "reference group: for every group with a relative likelihood, either the confidence interval "
                     "includes the same chance as the reference group or the estimate is within the band (withheld "
                     "groups have none)."
                     + (f" A reference group can itself have had the lower chance: {and_list(refs)} had a clearly "
                        f"lower chance than the {'group' if len(over) == 1 else 'groups'} shown clearly "
                        "over-represented below." if refs else ""))
    if len(over):
        lines += ["", "**Over-represented, clearly.** " + capitalised("; ".join(item(r) for r in over.itertuples()))
                  + "."]
    inconclusive = table[table["band"] == "inconclusive"]
    within = table[table["band"] == "within"]
    lines += ["", f"**How sure we are.** A group is *within the band* only when its whole {pct} confidence interval "
              f"lies between {lo_band:.2f} and {hi_band:.2f} (the four-fifths rule applied both ways): a claim of "
              f"equal access needs the evidence for it. A group shows a *disparity* when the interval excludes 1 (the "
              "same chance as the reference group) and the estimate lies outside the band, and is *inconclusive* "
              f"otherwise. {judged_words(len(clear), len(within), len(inconclusive), n)}"]
    gof = tables["goodness_of_fit"].dropna(subset=["p_value"])
    alpha = 1 - coh.confidence_level
    differs = gof[gof["p_value"] < alpha]
    if len(gof):
        said = [("Among those who declared it, " + _GOF_SUBJECT.get(r.dimension, r.dimension).lower()
                 if r.dimension in PROTECTED_CHARACTERISTICS
                 else _GOF_SUBJECT.get(r.dimension, DIMENSION_TITLES.get(r.dimension, r.dimension)))
                + f" did not get places in proportion to the eligible population (goodness of fit "
                  f"{_p_words(r.p_value)})" for r in differs.itertuples()]
        rest = [DIMENSION_TITLES.get(d, d) for d in gof["dimension"] if d not in set(differs["dimension"])]
        text = "**Is the overall pattern more than chance?** "
        # name the dimensions tested: "for no dimension" was false when some were not tested (the pilot)
        text += (". ".join(said) + ". ") if said else (
            f"For {and_list(rest)}, the {'dimensions' if len(rest) > 1 else 'dimension'} tested, the places do not differ "
            "from the eligible population's make-up by more than chance would explain (which is not evidence that "
            "access was equal). ")
        if said and rest:
            text += ("For " + and_list(rest) + " the tests do not show a difference (which is not evidence that "
                     "access was equal). ")
        lines += ["", text + f"Goodness-of-fit tests at the {alpha:.2g} level; the table says which test was used."]
    skipped = tables["goodness_of_fit"][tables["goodness_of_fit"]["method"] == "none"]
    # each dimension with its own reason, as the table gives it (one was said to be withheld when it had
    # only one category to test)
    reasons = skipped["description"].astype(str).str.removeprefix("not computed: ")
    for reason in dict.fromkeys(reasons):
        lines += ["", "The goodness-of-fit test is not computed for " + and_list(
            DIMENSION_TITLES.get(d, d) for d in skipped.loc[reasons == reason, "dimension"]) + f": {reason}."]
    nat = table[table["benchmark"] == "national_bodies"] if "benchmark" in table else table.iloc[0:0]
    if len(nat):
        r = nat.iloc[0]
        if r["suppressed"]:
            text = ("**National bodies.** Staff of national bodies (regulators, inspectorates, national agencies) are "
                    "not a council area and are reported on their own; their number of places is withheld, to protect "
                    "a small group.")
        elif pd.isna(r["rate_per_1000"]):
            text = (f"**National bodies.** Staff of national bodies are not a council area and are reported on their "
                    f"own: {int(r['participants'])} places (the eligible population has no figure for them).")
        else:
            text = (f"**National bodies.** Staff of national bodies (regulators, inspectorates, national agencies) are "
                    f"not a council area and are reported on their own: {int(r['participants'])} places, "
                    f"{r['rate_per_1000']:.2f} per 1,000 eligible staff of national bodies.")
        lines += ["", text]
    spread = tables["spread"].set_index("measure")["value"] if len(tables["spread"]) else pd.Series(dtype=float)
    if "gini" in spread and not pd.isna(spread["gini"]):
        council = tables["council_areas"].dropna(subset=["rate_per_1000"])
        top = council[council["rate_per_1000"] > 0].sort_values("rate_per_1000", kind="stable").tail(3)[::-1]
        pooled_national = bool(spread.get("national_bodies_pooled", 0))
        withheld = int(spread.get("suppressed_areas_pooled", 0)) + pooled_national
        bound = (f"at least {spread['gini']:.2f} (a lower bound: the withheld areas count as one, so how unevenly "
                 "places are spread among them is not counted; " if withheld else f"{spread['gini']:.2f} (")
        lines += ["", f"**Across Scotland's council areas.** The workforce-weighted Gini coefficient of places per "
                  f"1,000 eligible staff is {bound}0 would mean places in proportion to each area's "
                  "eligible staff)"
                  + ("; so that the national bodies' withheld number cannot be worked out, their places are pooled "
                     "with the withheld council areas in it. " if pooled_national else
                     ", national bodies left out. ")
                  + (f"{int(spread['council_areas_without_places'])} of {int(spread['council_areas'])} council "
                     "areas had no places" if pd.notna(spread["council_areas_without_places"]) else
                     "the number of council areas with no places is withheld")
                  + (("; of the areas whose rate is shown, the highest " + ("rate was" if len(top) == 1 else "rates were")
                      + " in " + and_list(
                      f"{_md_label(r.category, r.dimension if 'dimension' in council else 'local_authority')} "
                      f"({r.rate_per_1000:.2f} per 1,000)" for r in top.itertuples()))
                     if len(top) else "") + "."]
    comp = tables["completion"].dropna(subset=["completion_rate"])
    overall = float((data.participants["status"] == "completed").mean()) if n else float("nan")
    groups = len(tables["completion"])
    withheld = (f" Completion is shown for {len(comp)} of {groups} groups: it is withheld where {few_people(t)} "
                "in a group completed or did not complete, or where that number could be worked out from other "
                "figures.") if len(comp) < groups else ""
    if len(comp):
        lines += ["", f"**From a place to completion.** {overall:.0%} of the cohort completed the programme.{withheld} "
                  + lowest_completion_words(comp, pct)]
    elif n:
        lines += ["", f"**From a place to completion.** {overall:.0%} of the cohort completed the programme. Completion "
                  f"by group cannot be shown: in every group {few_people(t)} completed or did not complete, or "
                  "that number could be worked out from other figures."]
    change = tables["outcome_change"].dropna(subset=["mean_change"])
    if len(change):
        title = md(data.titles.get(data.primary_scale, data.primary_scale))
        both = both_words(coh.comparisons[0])
        inst = next((i for i in data.instruments.values() if data.primary_scale in i.scales), None)
        span = f" (on a scale from {inst.response_range[0]:g} to {inst.response_range[1]:g})" if inst else ""
        lines += ["", f"**From completion to benefit.** Change on {title} by group is shown below for "
                  f"groups of at least {t} people with scores {both}; " + (
                      f"the mean change ranged from {signed(change['mean_change'].min())} to "
                      f"{signed(change['mean_change'].max())} points{span} across those groups. Differences between "
                      "small groups are imprecise." if len(change) > 1 else  # not "from +0.12 to +0.12"
                      f"in the one group shown, the mean change was {signed(change['mean_change'].iloc[0])} "
                      f"points{span}.")]
    decl = tables["declaration"]
    decl = decl[decl["dimension"].isin(eq_protected(data))]
    shown = decl.dropna(subset=["declaration_rate"])
    if len(decl):
        lines += ["", "**Declaration.** "
                  + ("; ".join(f"{r.declaration_rate:.0%} declared their {DIMENSION_TITLES.get(r.dimension, r.dimension)}"
                               for r in shown.itertuples()) or "Declaration rates cannot be shown")
                  + ". " + withheld_declaration_words([DIMENSION_TITLES.get(d, d) for d in
                                                  decl.loc[decl["declaration_rate"].isna(), "dimension"]])
                  + "'Not declared', 'prefer not to say' and 'not recorded' are kept as categories of their own."]
    n_sup = int((table["suppressed"] != "").sum())
    # nothing about the withheld groups' sizes: "some of them groups with nobody in them" beside two
    # withheld groups of one total would say which is empty, and so the other's count
    lines += ["", f"**Confidentiality.** Groups of {few_people(t)} are not shown (—); a group with nobody in it is "
              "shown as 0, which identifies no one. In the representation "
              f"table {counted(n_sup, 'group')} {'is' if n_sup == 1 else 'are'} withheld"
              + (", the small ones and, where needed, others, so that no small group can be worked out from the "
                 "totals" if n_sup else "")
              + "; the completion and outcome tables also withhold groups in which "
              f"{few_people(t)} did not complete or lack scores {both_words(coh.comparisons[0])}. The withholding is decided for all of the "
              "cohort's tables together and checked, before anything is published, by working back from every "
              "published figure as a reader could." + _pooled_words(tables)]
    return "\n".join(lines)


def _pooled_words(tables) -> str:
    """How the tests and the Gini treat the withheld groups: said only of those that were computed (a
    cohort of 3, with neither, read "Tests and the Gini coefficient treat the withheld groups as one")."""
    tested = tables["goodness_of_fit"]["p_value"].notna().any()
    spread = tables["spread"].set_index("measure")["value"] if len(tables["spread"]) else pd.Series(dtype=float)
    gini = pd.notna(spread.get("gini"))
    which = ("Tests and the Gini coefficient" if tested and gini else "Tests" if tested else
             "The Gini coefficient" if gini else "")
    return f" {which} treat{'s' if which.startswith('The') else ''} the withheld groups as one." if which else ""

