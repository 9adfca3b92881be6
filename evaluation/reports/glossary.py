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

from evaluation.core.checks import check_choice
from evaluation.core.vocabulary import MULTIPLICITY_METHODS
from evaluation.reports.glossary_entries import ENTRIES as _ENTRIES
from evaluation.reports.glossary_entries import Entry

__all__ = ["GLOSSARY", "REPORT_TERMS", "Entry", "glossary_markdown", "link_terms", "report_terms", "terms_used"]


#: Every entry, by key.
GLOSSARY: dict[str, Entry] = {e.key: e for e in _ENTRIES}

#: The entries of each report's glossary: the terms its summary and its detail use.
REPORT_TERMS: dict[str, tuple[str, ...]] = {
    "cohort_evaluation": (
        "confidence_interval", "p_value", "holm", "benjamini_hochberg", "clear_change", "reliable_change", "g_av",
        "d_z", "hedges_g", "paired_t", "wilcoxon", "welch", "mixed_model", "cronbach_alpha", "mcdonald_omega",
        "then_test", "kirkpatrick", "maryland", "difference_in_differences", "d_ppc2", "disclosure_control"),
    "equity_of_access": (
        "eligible_population", "relative_likelihood", "katz", "representation_index", "band", "confidence_interval",
        "p_value", "goodness_of_fit", "gini", "lorenz", "wilson", "paired_t", "d_z", "protected_characteristics",
        "disclosure_control"),
    "cost_per_participant": (
        "price_base_year", "gdp_deflator", "cash_cost", "fully_loaded", "fixed_cost", "marginal_cost",
        "reliable_change", "bootstrap", "confidence_interval", "tornado", "benefit_cost_ratio", "discounting",
        "pssru", "kirkpatrick", "maryland", "cronbach_alpha", "eligible_population"),
    "programme_evaluation": (
        "confidence_interval", "random_effects", "heterogeneity", "prediction_interval", "hksj", "g_av",
        "clear_change", "reliable_change", "trend_test", "kirkpatrick", "maryland", "price_base_year",
        "cash_cost", "fully_loaded", "bootstrap", "eligible_population", "relative_likelihood",
        "mantel_haenszel", "representation_index", "band", "protected_characteristics", "disclosure_control"),
    "programme_comparison": (
        "confidence_interval", "random_effects", "hksj", "clear_change", "p_value", "reliable_change", "cronbach_alpha",
        "then_test", "wilson",
        "eligible_population", "price_base_year", "gdp_deflator", "cash_cost", "fully_loaded", "fixed_cost",
        "bootstrap"),
}

#: The glossary entry of each adjustment for testing several scales (the ``multiplicity`` parameter).
_ADJUSTMENTS = {"holm": "holm", "bh": "benjamini_hochberg"}


def report_terms(report: str, *, multiplicity: str = "holm") -> tuple[str, ...]:
    """The glossary entries of a report (:data:`REPORT_TERMS`), with only the adjustment for
    testing several scales that the cohort's ``multiplicity`` parameter uses ("none": neither),
    so that the glossary lists the terms the report uses.

    Examples
    --------
    >>> [k for k in report_terms("cohort_evaluation") if k in ("holm", "benjamini_hochberg")]
    ['holm']
    >>> [k for k in report_terms("cohort_evaluation", multiplicity="bh") if k in ("holm", "benjamini_hochberg")]
    ['benjamini_hochberg']
    >>> report_terms("cohort_evaluation", multiplicity="bonferroni")
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `multiplicity` must be one of 'holm', 'bh', 'none'; got 'bonferroni' (str)
    """
    check_choice(multiplicity, MULTIPLICITY_METHODS, "multiplicity")
    unused = {key for method, key in _ADJUSTMENTS.items() if method != multiplicity}
    return tuple(key for key in REPORT_TERMS[report] if key not in unused)


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
