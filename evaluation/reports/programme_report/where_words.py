"""Words for the group table: its groups (:func:`group_words`), and for its disclosure control the
counts no suppression protects, named for a reader.

Used by :func:`~evaluation.reports.programme_report.where_disclosure.protect_where` in the
warning it raises when a quantity has to be withheld for a whole dimension.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from evaluation.reports.equity_report.tables import label as category_label
from evaluation.reports.labels import and_list, aside, label, ratings_words

__all__ = ["CROSS", "group_words", "lost_words"]

#: Joins two dimensions (and two categories) of a crossing.
CROSS = " × "

#: The quantities of the group table in words.
_QUANTITY_WORDS = {"enrolled": "places", "completed": "completions", "improved": "reliable improvers",
                   "pairs": "people with ratings at both waves", "noncompleted": "people who did not complete",
                   "nopair": "people without ratings at both waves",
                   "notimproved": "people with ratings at both waves who did not reliably improve"}


def group_words(dimension: str, category: str) -> str:
    """A group in words: ``middle manager``, ``local authority``, ``operational area``.

    Examples
    --------
    >>> group_words("sector", "local_authority"), group_words("framework_area", "operational")
    ('local authority', 'operational framework area')
    """
    if dimension == "framework_area":
        return f"{category_label(category)} framework area"
    return category_label(category, dimension)


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

    A complement is named in words, a group named twice (by several crossings) once, and a cell of
    a crossing by its categories:

    >>> lost_words(["noncompleted role_level=senior_manager", "noncompleted role_level=senior_manager",
    ...             "nopair:leading_change:pre_post:self strategic × senior_manager"])
    "people who did not complete in senior manager (role level); people without ratings at both waves on leading change (participants' own ratings, before → after) in strategic × senior manager"
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
        where = f"{_category_words(category, dimension)} ({_dimension_words(dimension)})" if found else \
            _category_words(group, "")
        groups = by_quantity.setdefault(what, [])
        if where not in groups:
            groups.append(where)
    return "; ".join(f"{what} in {and_list(groups)}" for what, groups in by_quantity.items())


def _dimension_words(dimension: str) -> str:
    return CROSS.join(label(d) for d in dimension.split(CROSS))


def _category_words(category: str, dimension: str) -> str:
    """A category in words; a crossing's ("strategic × senior_manager") part by part."""
    parts, dims = category.split(CROSS), dimension.split(CROSS)
    if len(dims) != len(parts):
        dims = [""] * len(parts)
    return CROSS.join(category_label(c, d) if d else label(c) for c, d in zip(parts, dims, strict=True))
