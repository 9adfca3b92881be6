"""The glossary at the end of each report, and links from a summary's terms to it.

Every technical term a report's commissioner summary or detail uses is defined here in one or
two plain sentences with its source (:data:`GLOSSARY`); :data:`REPORT_TERMS` says which
entries each report's glossary holds. :func:`glossary_markdown` writes a report's glossary, each
entry with an anchor, and :func:`link_terms` links the first use of each term in a summary to
its entry. Definitions follow the workbench's methods (``docs/methods.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["GLOSSARY", "REPORT_TERMS", "Entry", "glossary_markdown", "link_terms", "terms_used"]


@dataclass(frozen=True)
class Entry:
    """One glossary entry: the term as headed, what it means, where it comes from, and how the
    reports write it (a regular expression; the first use it matches is linked)."""

    key: str
    term: str
    definition: str
    source: str
    pattern: str

    @property
    def anchor(self) -> str:
        """The id of the entry in the report: ``glossary-<key>`` with hyphens."""
        return "glossary-" + self.key.replace("_", "-")

    @property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern)


_ENTRIES = [
    Entry("confidence_interval", "Confidence interval (CI)",
          "The range of values compatible with the data at the stated confidence (usually 95%). A narrow range "
          "means a precise estimate; a range of change that excludes zero is evidence of a real change.",
          "Altman, Machin, Bryant & Gardner (2000), Statistics with Confidence, BMJ Books.",
          r"(?i:confidence intervals?)|\bCIs?\b"),
    Entry("p_value", "p-value",
          "How often a difference at least as large as the one seen would arise by chance if there were really "
          "none. Small values (below 0.05) count as evidence of a difference; very small ones are shown as "
          "\"< 0.001\".",
          "Wasserstein & Lazar (2016), The ASA statement on p-values, The American Statistician 70:129-133.",
          r"\b(?i:p-values?)"),
    Entry("holm", "Holm adjustment",
          "A correction for testing several scales at once: the p-values are adjusted so that the chance of "
          "calling any unchanged scale \"clearly changed\" stays at 5% across all of them.",
          "Holm (1979), A simple sequentially rejective multiple test procedure, Scandinavian Journal of "
          "Statistics 6:65-70.",
          r"\bHolm\b(?:(?: adjustment| method|'s method))?"),
    Entry("benjamini_hochberg", "Benjamini-Hochberg adjustment",
          "A correction for testing several scales at once that keeps the expected share of false findings among "
          "the clear ones at 5%; less strict than Holm's.",
          "Benjamini & Hochberg (1995), Journal of the Royal Statistical Society B 57:289-300.",
          r"Benjamini[–-]Hochberg"),
    Entry("clear_change", "Clear change",
          "A scale changed clearly when its p-value, adjusted for testing several scales, is below 0.05 (at 95% "
          "confidence); the interval quoted beside the verdict comes from the same test.",
          "This workbench's methods (docs/methods.md), after Holm (1979).",
          r"(?i:\bclear(?:ly)? change[sd]?\b)"),
    Entry("reliable_change", "Reliable change (Jacobson & Truax)",
          "A person's change counts as reliable when it is larger than measurement error alone would produce 95 "
          "times in 100 (the reliable change index is above 1.96); a reliable improver is a participant whose "
          "change is reliable and in the better direction.",
          "Jacobson & Truax (1991), Clinical significance, Journal of Consulting and Clinical Psychology "
          "59:12-19.",
          r"(?i:reliable change(?: index)?|reliabl[ey] improve(?:d|ment|rs?)|Jacobson (?:&amp;|&|and) Truax)"),
    Entry("g_av", "Hedges' g_av (effect size)",
          "The mean change divided by the average of the before and after standard deviations, corrected for "
          "small samples: a change in standard units. As a rough guide 0.2 is small, 0.5 medium and 0.8 large.",
          "Lakens (2013), Calculating and reporting effect sizes, Frontiers in Psychology 4:863.",
          r"(?:Hedges'? )?\bg(?:\\?_av|<sub>av</sub>)"),
    Entry("d_z", "d_z (effect size for paired change)",
          "The mean change divided by the standard deviation of the individual changes. It matches the paired "
          "t-test but is larger than g_av whenever before and after scores go together, so it is not read with the "
          "small / medium / large labels.",
          "Lakens (2013), Frontiers in Psychology 4:863.",
          r"\bd(?:\\?_z|<sub>z</sub>)"),
    Entry("hedges_g", "Hedges' g (between groups)",
          "The difference between two groups' means divided by their pooled standard deviation, corrected for "
          "small samples; used here to compare those who dropped out with those who stayed.",
          "Hedges (1981), Journal of Educational Statistics 6:107-128.",
          r"Hedges'? g(?!\\?_|<sub>)\b"),
    Entry("paired_t", "Paired t-test",
          "The test of whether the mean change of the same people between two questionnaires differs from zero; "
          "it gives the confidence interval of the mean change.",
          "Student (1908), The probable error of a mean, Biometrika 6:1-25.",
          r"(?i:paired t(?:-test|-interval)?\b)"),
    Entry("wilcoxon", "Wilcoxon signed-rank test",
          "A check on the paired t-test that uses only the order of the changes, not their size, so a few "
          "extreme changes cannot drive it.",
          "Wilcoxon (1945), Biometrics Bulletin 1:80-83; computed as R's wilcox.test(paired = TRUE).",
          r"\bWilcoxon\b(?: signed-rank(?: test)?)?"),
    Entry("welch", "Welch's t-test",
          "A comparison of two groups' means that does not assume the groups vary equally.",
          "Welch (1947), Biometrika 34:28-35.",
          r"\bWelch(?:'s)?(?: t-test)?"),
    Entry("mixed_model", "Mixed model",
          "A regression that uses every score of every participant, including those who missed a questionnaire, "
          "allowing for each person's own starting level (a random intercept).",
          "Pinheiro & Bates (2000), Mixed-Effects Models in S and S-PLUS, Springer; standard errors as lme4 and "
          "lmerTest (Kuznetsova et al. 2017).",
          r"(?i:(?:linear )?mixed(?:-effects)? model)"),
    Entry("cronbach_alpha", "Cronbach's alpha",
          "How consistently a scale's items measure the same thing, from 0 to 1; 0.7 or more is usually taken as "
          "acceptable. It is the reliability used for reliable change.",
          "Cronbach (1951), Psychometrika 16:297-334; interval by Feldt (1965).",
          r"Cronbach'?s alpha"),
    Entry("mcdonald_omega", "McDonald's omega",
          "Another measure of a scale's reliability, from a one-factor model; read like Cronbach's alpha.",
          "McDonald (1999), Test Theory: A Unified Treatment, Erlbaum.",
          r"McDonald'?s omega"),
    Entry("then_test", "Then-test (response shift)",
          "A retrospective pre-test: after the programme participants rate how they were before it, so that both "
          "ratings use the same, later, standard. The gap from the original pre-test is the response shift.",
          "Howard (1980), Response-shift bias, Applied Psychological Measurement 4:93-106.",
          r"(?i:then-test|response shift)"),
    Entry("kirkpatrick", "Kirkpatrick levels",
          "Four levels of training evaluation: 1 reaction (what participants thought of it), 2 learning, "
          "3 behaviour at work, 4 results for the organisation and the people it serves.",
          "Kirkpatrick & Kirkpatrick (2006), Evaluating Training Programs, 3rd ed., Berrett-Koehler.",
          r"\bKirkpatrick(?: levels?(?: \d)?)?"),
    Entry("maryland", "Maryland Scientific Methods Scale",
          "A five-level rating of how well a study design can show cause and effect. Level 1, a before-and-after "
          "comparison of one group without a comparison group, can describe change but not attribute it to the "
          "programme.",
          "Sherman et al. (1997), Preventing Crime, University of Maryland; What Works Centre for Local Economic "
          "Growth (2016).",
          r"\bMaryland(?: Scientific Methods Scale| scale)?(?: level \d)?"),
    Entry("eligible_population", "Eligible population",
          "The staff the programme is meant for (for example first-line and middle managers) in the cohort's year "
          "or the nearest year available: the denominator of every rate, share and likelihood in the equity "
          "report.",
          "This workbench's methods (docs/methods.md); reference figures in data/raw/reference/workforce.csv.",
          r"(?i:eligible (?:population|workforce|staff))"),
    Entry("relative_likelihood", "Relative likelihood",
          "A group's rate of places divided by the rate of a reference group: 1 means the same chance of a place, "
          "0.5 half the chance, 2 twice the chance.",
          "NHS England, Workforce Race Equality Standard technical guidance, indicator 4.",
          r"(?i:relative likelihoods?)"),
    Entry("katz", "Katz interval",
          "The usual confidence interval for a ratio of two rates, worked out on the log scale; with no places in "
          "a group, 0.5 is added to the counts so that it can still be given.",
          "Katz, Baptista, Azen & Pike (1978), Biometrics 34:469-474.",
          r"\bKatz\b(?: log)?(?: confidence)?(?: interval)?"),
    Entry("representation_index", "Representation index",
          "100 × a group's share of places ÷ its share of the eligible population: 100 is in proportion, below "
          "100 under-represented, above 100 over-represented.",
          "This workbench's methods (docs/methods.md), as used in workforce equality monitoring.",
          r"(?i:representation index)"),
    Entry("band", "The band (four-fifths rule)",
          "Relative likelihoods between 0.80 and 1.25 are treated as equal access. A group is within the band only "
          "when its whole confidence interval lies inside it, shows a disparity when the interval excludes 1 and "
          "the estimate lies outside, and is inconclusive otherwise.",
          "US Uniform Guidelines on Employee Selection Procedures (1978), 29 CFR 1607.4(D), applied both ways.",
          r"(?i:four-fifths rule|within the band)"),
    Entry("goodness_of_fit", "Goodness-of-fit test",
          "A test of whether the spread of places over a characteristic's groups could have come from choosing "
          "participants at random from the eligible population (Pearson's chi-square, or a simulated exact "
          "test for small groups); a small p-value means it probably could not.",
          "Agresti (2013), Categorical Data Analysis, 3rd ed., Wiley.",
          r"(?i:goodness[- ]of[- ]fit(?: tests?)?|chi-square(?: test)?)"),
    Entry("gini", "Gini coefficient",
          "How unevenly places are spread across council areas compared with their eligible staff: 0 means places "
          "exactly in proportion, values towards 1 mean places concentrated in a few areas.",
          "Brown (1994), Using Gini-style indices to evaluate the spatial patterns of health practitioners, "
          "Social Science & Medicine 38:1243-1256.",
          r"\bGini\b(?: coefficient)?"),
    Entry("lorenz", "Lorenz curve",
          "The council areas ordered from the lowest rate of places to the highest, plotting their cumulative "
          "share of places against their cumulative share of staff; the diagonal is equal access.",
          "Lorenz (1905), Publications of the American Statistical Association 9:209-219.",
          r"(?i:Lorenz curve)"),
    Entry("wilson", "Wilson interval",
          "The confidence interval used for a proportion, such as the share of a group who completed; it behaves "
          "well for small groups and for shares near 0% or 100%.",
          "Wilson (1927), Journal of the American Statistical Association 22:209-212.",
          r"\bWilson\b(?: score)?(?: confidence)?(?: interval)?"),
    Entry("protected_characteristics", "Protected characteristics",
          "The characteristics the Equality Act 2010 protects, such as age, disability, race and sex; public "
          "bodies must have due regard to equality of opportunity between people who share them and people who do "
          "not (the public sector equality duty).",
          "Equality Act 2010, sections 4 and 149.",
          r"(?i:protected characteristics?|public sector equality duty|Equality Act(?: 2010)?)"),
    Entry("disclosure_control", "Disclosure control (suppression)",
          "Counts of fewer people in a group than the disclosure threshold (5 unless the cohort's parameters say "
          "otherwise), and any figure from which such a count could be worked out, are withheld (shown as —) so "
          "that no individual can be recognised.",
          "Government Statistical Service (2014), Disclosure control guidance for tables produced from "
          "administrative sources.",
          r"(?i:disclosure control|suppress(?:ed|ion)|withheld)"),
    Entry("price_base_year", "Price base year",
          "The year whose prices all money is given in; amounts spent in other years are converted with the HM "
          "Treasury GDP deflator so that years can be compared.",
          "HM Treasury (2022), The Green Book, annex on real and nominal prices.",
          r"(?i:price base(?: year)?|\b\d{4} prices)"),
    Entry("gdp_deflator", "GDP deflator",
          "HM Treasury's index of prices across the whole economy, used to convert money from one year's prices "
          "to another's.",
          "HM Treasury, GDP deflators at market prices, and money GDP.",
          r"\bGDP deflators?"),
    Entry("cash_cost", "Cash cost and economic cost",
          "Cash cost is what the commissioner pays for the programme. Economic cost adds the value of "
          "participants' time away from their work (an opportunity cost), which the employer bears.",
          "HM Treasury (2022), The Green Book; Phillips & Phillips (2016), Handbook of Training Evaluation and "
          "Measurement Methods.",
          r"(?i:cash cost|economic cost|opportunity cost)"),
    Entry("fully_loaded", "Fully loaded cost",
          "Every cost of the programme, including its design, management, evaluation, a share of set-up costs and "
          "participants' time, not only the fees paid for delivery.",
          "Phillips & Phillips (2016), Handbook of Training Evaluation and Measurement Methods, 4th ed.",
          r"(?i:fully[- ]loaded)"),
    Entry("fixed_cost", "Fixed and per-participant costs",
          "Fixed costs do not change with the number of participants (facilitation, co-ordination); "
          "per-participant costs are paid for each one (venue, materials, their time). The cost of a cohort is "
          "the fixed part plus the per-participant cost times the number enrolled.",
          "Levin & McEwan (2001), Cost-Effectiveness Analysis, 2nd ed., Sage.",
          r"(?i:fixed costs?|per-participant costs?)"),
    Entry("marginal_cost", "Marginal cost",
          "What one more participant, or one more cohort, would add to the total cost.",
          "HM Treasury (2022), The Green Book.",
          r"(?i:marginal cost)"),
    Entry("bootstrap", "Bootstrap interval",
          "The participants are drawn again at random, with replacement, thousands of times and the figure worked "
          "out each time; the middle 95% of the results is the interval. It shows how much a figure depends on who "
          "happened to take part.",
          "Efron & Tibshirani (1993), An Introduction to the Bootstrap; Campbell & Torgerson (1999), Bootstrapping: "
          "estimating confidence intervals for cost-effectiveness ratios, QJM 92:177-182.",
          r"(?i:bootstrap(?:ped)?(?: intervals?)?)"),
    Entry("tornado", "Tornado chart (sensitivity analysis)",
          "Each uncertain input is moved from a low to a high value, one at a time, and the result recomputed; "
          "the longest bars show the inputs the figure depends on most.",
          "HM Treasury (2022), The Green Book, on sensitivity analysis.",
          r"(?i:tornado(?: charts?)?|sensitivity analysis)"),
    Entry("benefit_cost_ratio", "Benefit-cost ratio and return on investment",
          "The money value of a programme's benefits divided by its costs, and the net benefit as a percentage of "
          "the costs; both need benefits converted to money.",
          "Phillips (1997), Return on Investment in Training and Performance Improvement Programs.",
          r"(?i:benefit[–-]cost ratio|return on investment)"),
    Entry("discounting", "Discounting",
          "Money in future years counts for less than money now; the Green Book discounts it at 3.5% a year. Used "
          "only when costs or benefits span several years.",
          "HM Treasury (2022), The Green Book.",
          r"(?i:discount(?:ed|ing)\b)"),
    Entry("pssru", "PSSRU unit costs",
          "The standard schema for the cost of an hour of a social care worker's time: salary, on-costs and "
          "overheads over working hours.",
          "Curtis & Burns, Unit Costs of Health and Social Care, PSSRU (annual).",
          r"\bPSSRU\b"),
]

#: Every entry, by key.
GLOSSARY: dict[str, Entry] = {e.key: e for e in _ENTRIES}

#: The entries of each report's glossary: the terms its summary and its detail use.
REPORT_TERMS: dict[str, tuple[str, ...]] = {
    "cohort_evaluation": (
        "confidence_interval", "p_value", "holm", "benjamini_hochberg", "clear_change", "reliable_change", "g_av",
        "d_z", "hedges_g", "paired_t", "wilcoxon", "welch", "mixed_model", "cronbach_alpha", "mcdonald_omega",
        "then_test", "kirkpatrick", "maryland", "disclosure_control"),
    "equity_of_access": (
        "eligible_population", "relative_likelihood", "katz", "representation_index", "band", "confidence_interval",
        "p_value", "goodness_of_fit", "gini", "lorenz", "wilson", "paired_t", "d_z", "protected_characteristics",
        "disclosure_control"),
    "cost_per_participant": (
        "price_base_year", "gdp_deflator", "cash_cost", "fully_loaded", "fixed_cost", "marginal_cost",
        "reliable_change", "bootstrap", "confidence_interval", "tornado", "benefit_cost_ratio", "discounting",
        "pssru", "kirkpatrick", "maryland"),
}

# Parts of Markdown where a link must not go: code, existing links and images, HTML tags, headings.
_PROTECTED = re.compile(
    r"```.*?```"
    r"|(?<!\\)(`+).*?(?<!\\)\1"
    r"|!?(?<!\\)\[(?:\\.|[^\]\\])*\]\([^)]*\)"
    r"|<[^>\n]+>"
    r"|^#{1,6} [^\n]*$",
    re.S | re.M,
)


def _entries(keys: Iterable[str] | None) -> list[Entry]:
    if keys is None:
        return list(_ENTRIES)
    keys = list(keys)
    unknown = [k for k in keys if k not in GLOSSARY]
    if unknown:
        raise KeyError(f"glossary: no entry for {unknown}; entries are {sorted(GLOSSARY)}")
    return [GLOSSARY[k] for k in keys]


def _free_spans(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` outside code, links, tags and headings."""
    spans, start = [], 0
    for m in _PROTECTED.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _first_use(text: str, entry: Entry) -> re.Match | None:
    regex = entry.regex
    for start, end in _free_spans(text):
        m = regex.search(text, start, end)
        if m and m.group(0):
            return m
    return None


def terms_used(markdown: str, keys: Iterable[str] | None = None) -> list[str]:
    """The keys of the entries whose term ``markdown`` uses outside code and links, or links to.

    Examples
    --------
    >>> terms_used("Ranges are 95% CI; p-values adjusted (Holm). `d_z` is code.")
    ['confidence_interval', 'p_value', 'holm']
    """
    return [e.key for e in _entries(keys) if f"](#{e.anchor})" in markdown or _first_use(markdown, e)]


def link_terms(markdown: str, keys: Iterable[str] | None = None) -> str:
    """Link the first use of each glossary term in ``markdown`` to its entry (``#glossary-<key>``).

    Only terms outside code, existing links, HTML tags and headings are linked, and a term whose
    entry is already linked is left alone, so linking twice changes nothing. The link text is the
    text as it was (escaped data text stays escaped).

    Parameters
    ----------
    markdown : str
        A summary as the report displays it.
    keys : iterable of str, optional
        The entries to link (a report's :data:`REPORT_TERMS`, whose glossary it shows); default all.

    Examples
    --------
    >>> text = "95% CI +0.21 to +0.45; adjusted for testing 6 scales (Holm). Holm again; `Holm` in code."
    >>> linked = link_terms(text, ["holm", "confidence_interval"])
    >>> linked
    '95% [CI](#glossary-confidence-interval) +0.21 to +0.45; adjusted for testing 6 scales \
([Holm](#glossary-holm)). Holm again; `Holm` in code.'
    >>> link_terms(linked, ["holm", "confidence_interval"]) == linked
    True
    """
    text = markdown
    for entry in _entries(keys):
        if f"](#{entry.anchor})" in text:
            continue
        m = _first_use(text, entry)
        if m:
            text = f"{text[:m.start()]}[{m.group(0)}](#{entry.anchor}){text[m.end():]}"
    return text


def glossary_markdown(keys: Iterable[str], heading: str = "## Glossary") -> str:
    """A report's glossary as Markdown: one paragraph per entry, alphabetical, each with its anchor.

    Examples
    --------
    >>> print(glossary_markdown(["holm"]))  # doctest: +ELLIPSIS
    ## Glossary
    <BLANKLINE>
    Technical terms used in this report, in plain words, with their sources.
    <BLANKLINE>
    <a id="glossary-holm"></a>**Holm adjustment.** A correction for testing several scales at once: ... \
*Source: Holm (1979), ...*
    """
    entries = sorted(_entries(keys), key=lambda e: e.term.lower())
    lines = [heading, "", "Technical terms used in this report, in plain words, with their sources."]
    for e in entries:
        lines += ["", f'<a id="{e.anchor}"></a>**{e.term}.** {e.definition} *Source: {e.source}*']
    return "\n".join(lines)
