"""Tables as commissioners read them in a notebook or an HTML report (display only).

:func:`format_table` makes a formatted copy of a published table: money in pounds with
thousands separators, shares as percentages, counts as whole numbers, p-values below 0.001 as
"< 0.001", each confidence interval's two columns as one "low to high" column, missing and
withheld values as "—", codes in plain words and column names as headings
(:mod:`evaluation.reports.labels`). :func:`show_table` displays that copy as HTML, with a
caption, and for a long table a chosen part of it with the CSV named. The input is never
changed, and the CSV tables keep their numbers and codes.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation.reports.equity_report.tables import label as category_label
from evaluation.reports.labels import VALUE_LABELS, header, label, stage_label
from evaluation.reports.numbers import level_percent, minus

__all__ = ["KINDS", "MISSING", "format_table", "format_value", "show_table", "table_html"]

#: What a reader sees for a missing or withheld value.
MISSING = "—"
#: The ways a column can be formatted (the ``formats`` argument of :func:`format_table`): ``money``
#: shows pence on an amount under £100 that is not whole, ``pounds`` is whole pounds always.
KINDS = ("money", "pounds", "share", "count", "p", "year", "number", "auto", "text")

_MONEY = {"amount", "real_amount", "real_total", "total_cost", "average_cost", "marginal_cost", "low_real",
          "high_real"}
_COUNTS = {"n", "participants", "eligible", "headcount", "enrolled", "completed", "reliable_improvers", "k_items",
           "resamples", "undefined_draws", "cohorts", "categories", "pooled_suppressed_categories", "draws",
           "cohort_size_min", "cohort_size_max", "eligible_size_min", "eligible_size_max"}
_AUTO = {"quantity", "df"}
_WHOLE = {"representation_index"}  # an index around 100, shown as a whole number as the equity reports state it
_YEARS = {"year", "price_year", "price_base_year", "cohort", "seed", "kirkpatrick_level"}
_FREE_TEXT = {"description", "definition", "message", "item", "programme_title", "title", "citation", "reason",
              "price_year_basis"}
_CATEGORIES = {"category", "reference_category"}
_CODE = re.compile(r"[a-z][a-z0-9_]*")
_QUOTED = re.compile(r"'([a-z][a-z0-9_]*)'")
_BLANK_STRINGS = {"", "–", "nan", "<NA>", "None"}
_NAN_WORDS = re.compile(r"\b(are|is) NaN\b")


def _is_p(column: str) -> bool:
    return column == "p_value" or column.startswith("p_") or column.endswith("_p")


def _kind(column: str, values: pd.Series, formats: Mapping[str, str]) -> str:
    """The kind of a column: given in ``formats``, else read from its name and type."""
    if column in formats:
        return formats[column]
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        return "text"
    if _is_p(column):
        return "p"
    if column in _YEARS or column.endswith("_year"):
        return "year"
    if column in _MONEY or "cost_per_" in column or column.endswith("_cost"):
        return "money"
    if column in _COUNTS or column in _WHOLE or column.startswith(("n_", "rci_n_")) or "_n_" in column:
        return "count"
    if (column.startswith(("share", "rci_", "reliably_improved")) or column.endswith(("_rate", "_share"))
            or column == "i2"):
        return "share"
    if pd.api.types.is_integer_dtype(values):
        return "count"
    return "auto" if column in _AUTO else "number"


def format_value(value: Any, kind: str, precision: int = 2) -> str:
    """One value as a reader sees it (``kind`` is one of :data:`KINDS`; ``auto``: a whole number
    as a count, otherwise ``precision`` decimals). Negative numbers take a minus sign (−).

    Examples
    --------
    >>> format_value(62380.0, "count"), format_value(0.2391, "share"), format_value(552587.22, "money")
    ('62,380', '23.9%', '£552,587')
    >>> format_value(0.0004, "p"), format_value(0.04, "p"), format_value(float("nan"), "number")
    ('< 0.001', '0.040', '—')
    >>> format_value(-0.001, "number"), format_value(2024.0, "year"), format_value(24.5, "money")
    ('0.00', '2024', '£24.50')
    >>> format_value(-0.0612, "number"), format_value(0.0, "money"), format_value(104.0, "auto")
    ('−0.06', '£0', '104')
    >>> format_value(10.13, "pounds"), format_value(-2614.6, "pounds")  # beside whole-pound figures
    ('£10', '−£2,615')
    """
    if value is None or value is pd.NA or (isinstance(value, str) and value.strip() in _BLANK_STRINGS):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if kind == "text" or isinstance(value, str):
        return str(value)
    x = float(value)
    if math.isnan(x):
        return MISSING
    if kind == "p":
        return "< 0.001" if x < 0.001 else f"{x:.3f}"
    if kind == "share":
        return minus(f"{x:.1%}")
    if kind in ("money", "pounds"):
        pence = kind == "money" and abs(x) < 100 and not x.is_integer()
        text = f"£{abs(x):,.2f}" if pence else f"£{abs(x):,.0f}"
        return minus(("-" if x < 0 else "") + text)
    if kind == "count" or kind == "auto" and x.is_integer():
        return minus(f"{x:,.0f}")
    if kind == "year":
        return f"{x:.0f}"
    return minus(f"{x:,.{precision}f}")


def _by_unit(unit: Any) -> str:
    """The kind of a value whose row names its unit (``GBP (2024 prices)``, ``share of enrolled``)."""
    unit = str(unit)
    if unit.startswith("GBP") or unit.startswith("£"):
        return "money"
    if unit.startswith("share") or unit.startswith("proportion"):
        return "share"
    return "count" if unit in {"participants", "people", "count"} else "number"


def _ci_header(prefix: str, confidence_level: float | None) -> str:
    ci = f"{level_percent(confidence_level)} CI" if confidence_level else "CI"
    base = prefix.rstrip("_")
    if base in {"", "change", "rl"}:
        return ci
    if base in {"d_z", "g_av", "alpha"}:
        return f"{header(base)} {ci}"
    return f"{header(base)}: {ci}"


def format_table(
    frame: pd.DataFrame,
    precision: int = 2,
    *,
    columns: Sequence[str] | None = None,
    titles: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    price_base_year: int | None = None,
    confidence_level: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A formatted copy of a table, for reading: text cells, plain headings, intervals as one column.

    Parameters
    ----------
    frame : DataFrame
        A published table (not changed).
    precision : int
        Decimals of the plain numbers (means, effect sizes, ratios).
    columns : list of str, optional
        The columns to show, in order (default: all).
    titles : mapping, optional
        Scale codes to titles (the instruments' ``title``), for the ``scale`` column.
    formats : mapping, optional
        A column's kind (one of :data:`KINDS`) where its name does not say it; the kind of an
        interval's ``*ci_low`` column is that of its pair.
    price_base_year : int, optional
        Given, money columns are headed "(£)"; the caption of :func:`table_html` names the year.
    confidence_level : float, optional
        For the heading of interval columns: "95% CI".
    headers : mapping, optional
        Headings for columns whose usual heading (:func:`~evaluation.reports.labels.header`) would
        mislead in this table, e.g. ``{"title": "Programme"}`` where ``title`` is a programme's,
        not a scale's.

    Returns
    -------
    DataFrame
        Strings only, headed in plain words. Rows whose ``unit`` column names the unit (the cost
        summary) have ``value`` and the interval formatted by that unit.

    Notes
    -----
    Kinds read from names: ``p_value``, ``p_*``, ``*_p`` are p-values; ``cost_per_*``, ``*_cost``,
    amounts are money; ``share*``, ``*_share``, ``*_rate``, ``rci_*``, ``reliably_improved*`` are shares;
    ``n``, ``n_*``, ``*_n_*`` (``rci_n_improved``) and other
    headcounts are counts; years (``year``, ``*_year``) and cohorts are whole numbers without
    separators; degrees of freedom (``df``) are whole numbers when they are whole (a
    Satterthwaite df keeps its decimals). A pair
    ``X_ci_low``/``X_ci_high`` becomes one column "low to high", formatted like ``X`` or, when
    there is no ``X``, like the column before it. Missing values, pandas ``<NA>`` and withheld
    cells are "—" (:data:`MISSING`). In a table with a ``comparison`` column, a ``stage`` that
    names a wave names that row's waves (:func:`~evaluation.reports.labels.stage_label`).

    Examples
    --------
    >>> t = pd.DataFrame({"scale": ["lc"], "comparison": ["pre_post"], "rater": ["self"],
    ...                   "n_pairs": [62380.0], "mean_change": [0.3312], "change_ci_low": [0.12],
    ...                   "change_ci_high": [0.454], "p_adjusted": [0.0000312], "rci_improved": [0.24]})
    >>> shown = format_table(t, titles={"lc": "Leading change"}, confidence_level=0.95)
    >>> shown.columns.tolist()
    ['Scale', 'Comparison', 'Rated by', 'People with both scores', 'Mean change', '95% CI', \
'p-value (adjusted)', 'Reliably improved (of those with both scores)']
    >>> shown.iloc[0].tolist()
    ['Leading change', 'Before → after', 'Self-rating', '62,380', '0.33', '0.12 to 0.45', '< 0.001', '24.0%']
    >>> t["n_pairs"].tolist()  # the input is unchanged
    [62380.0]
    >>> programmes = pd.DataFrame({"title": ["Leading to Deliver"], "eligible_size_min": [18320.0]})
    >>> format_table(programmes).columns.tolist()  # "title" is a scale's title unless told otherwise
    ['Scale', 'Eligible staff (fewest)']
    >>> format_table(programmes, headers={"title": "Programme"}).iloc[0].tolist()
    ['Leading to Deliver', '18,320']
    >>> format_table(programmes, headers={"title": "Programme"}).columns.tolist()
    ['Programme', 'Eligible staff (fewest)']
    >>> flow = pd.DataFrame({"stage": ["enrolled", "scored_both"], "n": [90, 70], "comparison": "pre_follow_up"})
    >>> format_table(flow, columns=["stage", "n"])["Stage"].tolist()  # the waves this table counted
    ['Enrolled', 'Scores before and at follow-up']
    >>> tests = pd.DataFrame({"method": ["chi_square", "none"], "df": [3.0, float("nan")],
    ...                       "workforce_year": [2004, 2004]})
    >>> format_table(tests, 3).values.tolist()  # df 3, not 3.000; a year without a separator
    [['Pearson chi-square', '3', '2004'], ['Not computed', '—', '2004']]
    >>> pooled = pd.DataFrame({"measure": ["g_av"], "estimate": [0.4712], "q_p": [0.5702], "pi_low": [0.3721],
    ...                        "pi_high": [0.5768], "stated": [False]})
    >>> format_table(pooled, confidence_level=0.95).iloc[0].to_dict()
    {'Measure': 'Standardised change (g_av)', 'Estimate': '0.47', "Q's p-value": '0.570', \
'95% prediction interval': '0.37 to 0.58', 'Clear trend': 'no'}
    """
    formats = dict(formats or {})
    names = list(columns) if columns is not None else list(frame.columns)
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise KeyError(f"format_table: columns {missing} are not in the table (it has {list(frame.columns)})")
    kinds = {c: _kind(c, frame[c], formats) for c in names}
    units = frame["unit"] if "unit" in frame.columns else None
    out: dict[str, list[str]] = {}
    skip: set[str] = set()
    figures: list[str] = []  # the headings of columns of numbers (an interval's one heading)
    shown_as: dict[str, str] = {}  # a column's heading
    for position, column in enumerate(names):
        if column in skip:
            continue
        if column.endswith(("ci_low", "pi_low")) and column[:-3] + "high" in names:
            prefix, high = column[:-6], column[:-3] + "high"
            skip.add(high)
            base = prefix.rstrip("_") or ("estimate" if column == "pi_low" else "")  # a prediction interval's estimate
            kind = formats.get(column) or (kinds[base] if base in kinds else
                                           kinds[names[position - 1]] if position else "number")
            low_cells = _cells(frame[column], kind, precision, units, column)
            high_cells = _cells(frame[high], kind, precision, units, high)
            heading = (_ci_header(prefix, confidence_level) if column.endswith("ci_low") else
                       f"{level_percent(confidence_level)} prediction interval" if confidence_level else "Prediction interval")
            heading = _unique(heading, out)
            out[heading] = [MISSING if lo == MISSING and hi == MISSING else f"{lo} to {hi}"
                            for lo, hi in zip(low_cells, high_cells, strict=True)]
            figures.append(heading)
            continue
        kind = kinds[column]
        heading = (headers or {}).get(column) or header(column)
        if kind in ("money", "pounds") and price_base_year is not None:
            heading += " (£)"
        if kind == "text":
            # the row's column that a cell's words depend on: a category's dimension; the comparison
            # whose waves a stage names
            by = "dimension" if column in _CATEGORIES else "comparison" if column == "stage" else None
            rows = frame[by] if by in frame.columns else None
            cells = [_text(v, column, titles, None if rows is None else rows.iloc[i])
                     for i, v in enumerate(frame[column])]
        else:
            cells = _cells(frame[column], kind, precision, units, column)
        heading = shown_as[column] = _unique(heading, out)
        out[heading] = cells
        if kind != "text":
            figures.append(heading)
    if "suppressed" in names:
        _partly_withheld(out, shown_as.get("suppressed"), figures)
    return pd.DataFrame(out, index=range(len(frame)), dtype=object)


def _partly_withheld(out: dict[str, list[str]], column: str | None, figures: Sequence[str]) -> None:
    """A withheld row that still shows a figure says "Partly withheld" (a row showing a mean change
    beside "Withheld" read as a contradiction): only some of its cells are withheld."""
    if column is None:
        return
    for i, said in enumerate(out[column]):
        if said == "Withheld" and any(out[h][i] != MISSING for h in figures if h in out):
            out[column][i] = "Partly withheld"


def _cells(values: pd.Series, kind: str, precision: int, units: pd.Series | None, column: str) -> list[str]:
    by_unit = units is not None and column in {"value", "ci_low", "ci_high"} and kind in {"number", "count"}
    if by_unit:
        return [format_value(v, _by_unit(u), precision) for v, u in zip(values, units, strict=True)]
    return [format_value(v, kind, precision) for v in values]


def _text(value: Any, column: str, titles: Mapping[str, str] | None, row: Any = None) -> str:
    """A text cell in words; ``row`` is the row's value that the words depend on (a category's
    dimension, a stage's comparison)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if column == "suppressed" and value == "":
        return ""  # not withheld
    if isinstance(value, str) and value.strip() in _BLANK_STRINGS:
        return MISSING
    if titles and column == "scale" and value in titles:
        return str(titles[value])
    if column == "unit" and isinstance(value, str) and value.startswith("GBP"):
        return "£" + value[3:]
    if column in _FREE_TEXT:
        text = _QUOTED.sub(lambda m: f"'{_quoted(m.group(1), titles)}'", str(value))
        if column != "message":
            return text
        # a note's codes as words: "a 'post' score" reads "an 'after' score"; its NaN ("Welch t and
        # Hedges' g are NaN") is a statistic not computed, shown as — in the tables
        return _NAN_WORDS.sub(r"\1 not computed", re.sub(r"\b([Aa]) '(?=[aeiouAEIOU])", r"\1n '", text))
    if column == "stage" and row is not None:
        shown = str(stage_label(value, row))  # a stage that names a wave names its comparison's waves
    elif row is not None and isinstance(value, str) and value not in VALUE_LABELS:
        shown = category_label(value, str(row))  # council areas in title case, 35_44 as 35-44
    else:
        shown = str(label(value, column))
    return shown[:1].upper() + shown[1:] if shown != value or _CODE.fullmatch(str(value)) else shown


def _quoted(code: str, titles: Mapping[str, str] | None) -> str:
    """A code quoted in a sentence (``scale 'leading_change'``), as words."""
    if titles and code in titles:
        return str(titles[code])
    return str(label(code))


def _unique(heading: str, taken: Mapping[str, Any]) -> str:
    name, i = heading, 2
    while name in taken:
        name, i = f"{heading} ({i})", i + 1
    return name


def table_html(
    frame: pd.DataFrame,
    precision: int = 2,
    *,
    caption: str | None = None,
    name: str | None = None,
    rows: Sequence[bool] | pd.Series | None = None,
    max_rows: int | None = None,
    **options: Any,
) -> str:
    """A table for reading (:func:`format_table`, whose options ``options`` are) as HTML, as
    :func:`show_table` displays it.

    ``rows`` (a boolean mask) keeps chosen rows, ``max_rows`` the top rows of a longer table;
    either way a note under the table says how many rows are shown and, given the table's
    ``name``, where the full table is ("full table: tables/<name>.csv"). Given
    ``price_base_year`` and no ``caption``, the caption says the money's price base. Every text
    is HTML-escaped (the caption, headings and cells may hold text from data or parameters).

    Examples
    --------
    >>> t = pd.DataFrame({"participants": [1.0, 2.0, 3.0], "total_cost": [552587.2, 561084.2, 569581.2]})
    >>> out = table_html(t, rows=t["participants"] != 2, name="cost_curve", caption="Cost <curve>")
    >>> "£552,587" in out, "Cost &lt;curve&gt;" in out, "2 of 3 rows" in out, "tables/cost_curve.csv" in out
    (True, True, True, True)
    >>> "<caption>Money in £, 2024 prices" in table_html(t, price_base_year=2024)
    True
    """
    shown = frame
    if rows is not None:
        shown = frame[pd.Series(list(rows), index=frame.index, dtype=bool)]
    if max_rows is not None and len(shown) > max_rows:
        shown = shown.head(max_rows)
    table = format_table(shown, precision, **options)
    text = table.to_html(index=False, escape=True, border=0, classes="evaluation-table", na_rep=MISSING)
    if caption is None and options.get("price_base_year") is not None:
        caption = f"Money in £, {int(options['price_base_year'])} prices (HM Treasury GDP deflator)"
    if caption:
        text = text.replace(">", f">\n  <caption>{html.escape(caption)}</caption>", 1)
    if len(shown) == len(frame):
        return text
    if len(shown):
        note = f"{len(shown)} of {len(frame)} rows shown"
    else:  # no empty table: only where the rows are
        text, note = "", f"None of the table's {len(frame)} rows is shown here"
    if name:
        path = html.escape(f"tables/{name}.csv")
        note += f"; full table: <a href=\"{path}\">{path}</a>"
    return text + f'\n<p class="evaluation-table-note"><em>{note}.</em></p>'


def show_table(frame: pd.DataFrame, precision: int = 2, **options: Any) -> None:
    """Display a table for reading in the notebook (the HTML of :func:`table_html`; same options).

    Display only: the published CSV keeps full precision and the original codes.
    """
    from IPython.display import HTML, display

    display(HTML(table_html(frame, precision, **options)))
