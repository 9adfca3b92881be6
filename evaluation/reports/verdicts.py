"""One rule per verdict: how each scale's change is classified and described to commissioners.

A scale's verdict and the interval quoted beside it come from the same inference. The verdict
uses the adjusted p-value (the report's multiplicity rule over the family: every scale of a
comparison × rater); the interval quoted is the unadjusted one at the cohort's confidence
level, and the sentence says so where the two disagree:

============================  ========================================================
``clear_increase``            adjusted p < α, change > 0: "rated higher"
``clear_decrease``            adjusted p < α, change < 0: "rated lower"
``clear_unadjusted_only``     adjusted p ≥ α, but the unadjusted interval excludes 0:
                              "would count as clear if it were the only scale tested,
                              but not after adjusting for testing n scales at once"
``no_clear_change``           the unadjusted interval includes 0
``not_estimable``             no estimate (too few pairs)
============================  ========================================================

With α = 1 − confidence level, an adjusted p below α implies an unadjusted p below α (Holm and
Benjamini–Hochberg never lower a p-value), so the interval quoted beside a clear change always
excludes 0: the sentence and the interval cannot contradict each other. Self-ratings and
line-manager ratings get verdicts by the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluation.reports.labels import aside, aside_opening
from evaluation.reports.numbers import level_percent, signed

__all__ = ["VERDICTS", "classify_text", "format_p", "scale_unit", "verdict", "verdict_sentences", "verdicts"]

VERDICTS = ("clear_increase", "clear_decrease", "clear_unadjusted_only", "no_clear_change", "not_estimable")


def verdict(mean_change: float, ci_low: float, ci_high: float, p_adjusted: float, *, alpha: float) -> str:
    """The verdict of one scale (see the module docstring).

    Examples
    --------
    >>> verdict(0.3, 0.2, 0.4, 0.001, alpha=0.05)
    'clear_increase'
    >>> verdict(0.2, 0.05, 0.38, 0.09, alpha=0.05)
    'clear_unadjusted_only'
    >>> verdict(0.05, -0.1, 0.2, 0.6, alpha=0.05)
    'no_clear_change'
    """
    if any(pd.isna(x) for x in (mean_change, ci_low, ci_high)):
        return "not_estimable"
    if not pd.isna(p_adjusted) and p_adjusted < alpha:
        return "clear_increase" if mean_change > 0 else "clear_decrease"
    if ci_low > 0 or ci_high < 0:
        return "clear_unadjusted_only"
    return "no_clear_change"


def verdicts(outcomes: pd.DataFrame, *, comparison: str, rater: str, alpha: float,
             levels: tuple[int, ...] = (2, 3)) -> pd.DataFrame:
    """The verdict of every scale of one comparison × rater in an ``outcomes`` table.

    Returns
    -------
    DataFrame
        ``scale, rater, n_pairs, mean_change, change_ci_low, change_ci_high, p_value,
        p_adjusted, verdict, family_size`` in the table's order; ``family_size`` is the number
        of scales the adjustment allowed for.
    """
    rows = outcomes[(outcomes["comparison"] == comparison) & (outcomes["rater"] == rater)
                    & outcomes["kirkpatrick_level"].isin(levels)]
    out = rows[["scale", "rater", "n_pairs", "mean_change", "change_ci_low", "change_ci_high", "p_value",
                "p_adjusted"]].reset_index(drop=True)
    out["verdict"] = [verdict(r.mean_change, r.change_ci_low, r.change_ci_high, r.p_adjusted, alpha=alpha)
                      for r in out.itertuples()]
    out["family_size"] = int(rows["p_value"].notna().sum())
    return out


def format_p(p: float) -> str:
    """A p-value as shown to readers: "< 0.001" below 0.001, else three decimals ("–" if missing).

    A p-value too small for a double (a Wald test with z above about 38) is stored as 0.0 in the
    CSV; it is shown as "< 0.001", never as 0.

    Examples
    --------
    >>> format_p(0.0), format_p(0.0004), format_p(0.0123), format_p(float("nan"))
    ('< 0.001', '< 0.001', '0.012', '–')
    """
    if p is None or pd.isna(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def scale_unit(scale_range: tuple[float, float] | None) -> str:
    """The unit of a change on a scale: "points on the 1–5 scale" (or "points").

    Examples
    --------
    >>> scale_unit((1.0, 5.0)), scale_unit(None)
    ('points on the 1–5 scale', 'points')
    """
    if scale_range is None:
        return "points"
    low, high = scale_range
    return f"points on the {low:g}–{high:g} scale"


def _interval(r, pct: str, unit: str) -> str:
    return (f"{signed(r.mean_change)} {unit}, {pct} confidence interval {signed(r.change_ci_low)} to "
            f"{signed(r.change_ci_high)}")


def verdict_sentences(table: pd.DataFrame, titles: Mapping[str, str], *, confidence_level: float,
                      who: str, show_n: bool = False, when: str = "after the programme",
                      ranges: Mapping[str, tuple[float, float]] | None = None) -> str:
    """The sentences for one :func:`verdicts` table (Markdown; ``titles`` already escaped).

    ``who`` names the raters as the subject of the sentence ("Participants rated themselves",
    "Line managers rated participants"); ``when`` the later wave ("after the programme", "at
    follow-up than before the programme"); ``ranges`` each scale's response range, for the unit
    ("points on the 1–5 scale", said with the first scale when every scale shares the range, else
    with each). Every scale appears once, in the sentence of its verdict,
    followed by its change and interval in brackets.

    Examples
    --------
    >>> t = pd.DataFrame({"scale": ["a", "b", "c"], "n_pairs": [80, 80, 80], "mean_change": [0.3, 0.2, 0.01],
    ...                   "change_ci_low": [0.2, 0.05, -0.1], "change_ci_high": [0.4, 0.35, 0.12],
    ...                   "verdict": ["clear_increase", "clear_unadjusted_only", "no_clear_change"],
    ...                   "family_size": 3})
    >>> print(verdict_sentences(t, {"a": "A", "b": "B", "c": "C"}, confidence_level=0.95,
    ...                         who="Participants rated themselves", ranges={"a": (1, 5)}))
    Participants rated themselves higher after the programme on: A (+0.30 points on the 1–5 scale, 95% confidence interval +0.20 to +0.40). On B (+0.20 points, 95% confidence interval +0.05 to +0.35) the change would count as clear if it were the only scale tested, but not after adjusting for testing 3 scales at once, so it is not counted as a clear change. There was no clear change in C (+0.01 points, 95% confidence interval −0.10 to +0.12): the range includes no change.
    """
    pct = level_percent(confidence_level)
    size = int(table["family_size"].max()) if len(table) else 0
    ranges = ranges or {}
    shared = {ranges.get(s) for s in table["scale"]}
    said: set = set()

    def item(r) -> str:
        # the scale's range is named once when every scale shares it, else with each scale
        rng = ranges.get(r.scale)
        unit = "points" if len(shared) == 1 and rng in said else scale_unit(rng)
        said.add(rng)
        n = f", n = {int(r.n_pairs)}" if show_n else ""
        return aside(titles.get(r.scale, r.scale), f"{_interval(r, pct, unit)}{n}")

    parts = []
    for kind, word in (("clear_increase", "higher"), ("clear_decrease", "lower")):
        rows = table[table["verdict"] == kind]
        if len(rows):
            parts.append(f"{who} {word} {when} on: " + "; ".join(item(r) for r in rows.itertuples()) + ".")
    for r in table[table["verdict"] == "clear_unadjusted_only"].itertuples():
        parts.append(f"On {item(r)} the change would count as clear if it were the only scale tested, but not after "
                     f"adjusting for testing {size} scales at once, so it is not counted as a clear change.")
    flat = table[table["verdict"] == "no_clear_change"]
    if len(flat):
        parts.append("There was no clear change in " + "; ".join(item(r) for r in flat.itertuples())
                     + (": the range includes no change." if len(flat) == 1 else ": each range includes no change."))
    missing = table[table["verdict"] == "not_estimable"]
    if len(missing):
        parts.append("Too few people had scores at both waves to estimate the change in "
                     + ", ".join(str(titles.get(s, s)) for s in missing["scale"]) + ".")
    return " ".join(parts)


def classify_text(text: str, title: str) -> str | None:
    """The verdict a sentence of :func:`verdict_sentences` gives a scale (for tests and reviewers)."""
    for sentence in _sentences(text):
        if aside_opening(title) not in sentence:
            continue
        if sentence.startswith("On "):
            return "clear_unadjusted_only"
        if sentence.startswith("There was no clear change"):
            return "no_clear_change"
        head = sentence.split(" on: ", 1)[0]
        if " on: " in sentence and " higher " in f"{head} ":
            return "clear_increase"
        if " on: " in sentence and " lower " in f"{head} ":
            return "clear_decrease"
    return None


def _sentences(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "." and depth == 0 and (i + 1 == len(text) or text[i + 1] == " ") and not text[i - 1].isdigit():
            out.append(text[start:i + 1].strip())
            start = i + 1
    if text[start:].strip():
        out.append(text[start:].strip())
    return out



