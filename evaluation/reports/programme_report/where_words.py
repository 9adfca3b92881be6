"""Words for the group table's disclosure control: the counts no suppression protects, named for a reader.

Used by :func:`~evaluation.reports.programme_report.where_disclosure.protect_where` in the
warning it raises when a quantity has to be withheld for a whole dimension.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from evaluation.reports.equity_report.tables import label as category_label
from evaluation.reports.labels import and_list, aside, label, ratings_words

__all__ = ["lost_words"]

#: The quantities of the group table in words.
_QUANTITY_WORDS = {"enrolled": "places", "completed": "completions", "improved": "reliable improvers",
                   "pairs": "people with ratings at both waves"}


def lost_words(names: Sequence[str], titles: Mapping[str, str] | None = None) -> str:
    """The cells that no suppression protects (``"<quantity> <dimension>=<category>"``, as
    :func:`~evaluation.reports.programme_report.where_disclosure.protect_where` names them), in
    words, grouped by quantity; a scale by its title in ``titles``.

    Examples
    --------
    >>> lost = ["improved:observed_leading_change:pre_post:line_manager framework_area=operational",
    ...         "improved:observed_leading_change:pre_post:line_manager sector=health", "enrolled sector=health"]
    >>> lost_words(lost, {"observed_leading_change": "Leads change (observed)"})
    "reliable improvers on Leads change (observed; line managers' ratings, before → after) in operational (framework area) and health sector (sector); places in health sector (sector)"
    >>> lost_words(lost[:1])
    "reliable improvers on observed leading change (line managers' ratings, before → after) in operational (framework area)"
    """
    by_quantity: dict[str, list[str]] = {}
    for name in names:
        quantity, _, group = name.partition(" ")
        kind, *rest = quantity.split(":")
        what = _QUANTITY_WORDS.get(kind, kind)
        if len(rest) == 3:
            scale, comparison, rater = rest
            title = (titles or {}).get(scale, scale.replace("_", " "))
            what += f" on {aside(title, f'{ratings_words(rater)}, {label(comparison)}')}"
        dimension, found, category = group.partition("=")
        where = f"{category_label(category, dimension)} ({label(dimension)})" if found else group
        by_quantity.setdefault(what, []).append(where)
    return "; ".join(f"{what} in {and_list(groups)}" for what, groups in by_quantity.items())
