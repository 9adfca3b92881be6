"""Checks of what spreadsheets do to a table on its way out, which the contract's rules alone let
through or explain badly (review of bad input through the commands):

- an optional column whose header is spelt another way (``Gender``, ``Rater``, ``responded on``) is
  not read, and its values would be lost without a word (:func:`optional_header_failures`);
- a header that is not in row 1 (a title row above it) or a workbook whose first sheet does not
  hold the table (:func:`header_row_failure`);
- a spreadsheet's error value (``#N/A``, ``#REF!``) in a cell, which would otherwise be read as a
  category or an identifier (:func:`spreadsheet_error_failures`);
- one category of a protected characteristic written two ways (``Female`` and ``female``), which
  would be counted as two groups (:func:`category_spelling_failures`);
- a workbook's date cells, which pandas gives as ``2003-01-23 00:00:00``: the date they hold is
  read (:func:`workbook_dates`).

Nothing here touches the disk.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from evaluation.core.errors import Failure
from evaluation.core.vocabulary import PROTECTED
from evaluation.data.rules import ROW_OFFSET
from evaluation.data.schemas import COLUMN_TYPES, OPTIONAL_COLUMNS

__all__ = ["category_spelling_failures", "header_row_failure", "label_hint", "optional_header_failures",
           "spreadsheet_error_failures", "workbook_blocks", "workbook_dates"]

#: The error values a spreadsheet shows in a cell whose formula failed (Excel, LibreOffice, Sheets).
SPREADSHEET_ERRORS = frozenset({"#N/A", "#N/A!", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!",
                                "#SPILL!", "#CALC!", "#GETTING_DATA", "#ERROR!", "#FIELD!", "#BLOCKED!"})
#: Free-text columns, where any text is data: not checked for spreadsheet errors.
FREE_TEXT = frozenset({"description", "source"})
#: Categories the contract names for a protected characteristic, spelt as it spells them.
NAMED_CATEGORIES = ("not_declared", "prefer_not_to_say", "not_recorded")
#: How far down a table a header row placed below a title is looked for.
HEADER_SEARCH_ROWS = 20


def _key(name: str) -> str:
    """A name compared as a person reads it: case, spaces, hyphens and underscores ignored."""
    return re.sub(r"[\s_\-]+", "_", str(name).strip().casefold()).strip("_")


def optional_header_failures(columns: list[str], table: str, file: str) -> list[Failure]:
    """Optional contract columns that are absent while the header has a column spelt like them.

    A column outside the contract is ignored (it might hold names), so ``Gender`` for ``gender``
    or ``Rater`` for ``rater`` would drop the column's values silently: every rater read as
    ``self``, every gender as ``not_recorded``. Required columns get their own message
    (:func:`evaluation.data.rules.header_failures`).

    Examples
    --------
    >>> print(optional_header_failures(["participant_id", "Gender"], "participants", "p.csv")[0])
    ... # doctest: +NORMALIZE_WHITESPACE
    p.csv, column `gender`: expected the optional column spelt `gender` exactly, or absent; the header has
    'Gender', which is not read (columns outside the contract are ignored), so its values would be lost:
    rename it `gender`
    """
    types = COLUMN_TYPES[table]
    spare = [c for c in columns if c not in types]
    out = []
    for column in OPTIONAL_COLUMNS[table]:
        if column in columns:
            continue
        near = [c for c in spare if _key(c) == column] or difflib.get_close_matches(
            column, [_key(c) for c in spare], n=1, cutoff=0.8)
        if not near:
            continue
        shown = near[0] if near[0] in spare else next(c for c in spare if _key(c) == near[0])
        out.append(Failure(file, (), column, f"the optional column spelt `{column}` exactly, or absent; the header "
                                             f"has {shown!r}, which is not read (columns outside the contract are "
                                             f"ignored), so its values would be lost: rename it `{column}`"))
    return out


def header_row_failure(raw: pd.DataFrame, table: str, file: str) -> Failure | None:
    """Why a table seems to have none of its required columns, when the reason can be seen.

    Either a row below the header holds the column names (a title or a note was written above the
    header), or the file is a workbook whose first sheet (the only one read) does not hold the table.
    None when at least half of the required columns are in the header.

    Examples
    --------
    >>> raw = pd.DataFrame({"Costs 2005": ["cohort", "1"], "Unnamed: 1": ["category", "delivery"],
    ...                     "Unnamed: 2": ["amount", "5"], "Unnamed: 3": ["price_year", "2005"]})
    >>> print(header_row_failure(raw, "costs", "costs.csv"))  # doctest: +NORMALIZE_WHITESPACE
    costs.csv, row 2: expected the column names in row 1 (the header); row 2 has them (cohort, category,
    amount, price_year): delete the row above it (a title or a note?)
    """
    required = [c for c in COLUMN_TYPES[table] if c not in OPTIONAL_COLUMNS[table]]
    header = {str(c).strip() for c in raw.columns}
    if 2 * sum(c in header for c in required) >= len(required):
        return None
    for k in range(min(HEADER_SEARCH_ROWS, len(raw))):
        cells = [str(v).strip() for v in raw.iloc[k] if pd.notna(v)]
        found = [c for c in cells if c in required]
        if 2 * len(found) >= len(required):
            row = k + ROW_OFFSET
            above = "the row above it" if row == 2 else f"the {row - 1} rows above it"
            return Failure(file, (row,), None, f"the column names in row 1 (the header); row {row} has them "
                                               f"({', '.join(found)}): delete {above} (a title or a note?)")
    if file.lower().endswith(".xlsx") and not any(c in header for c in required):
        return Failure(file, (), None, "the table on the first sheet of the workbook, with its header in row 1 (only "
                                       "the first sheet is read); the first sheet has none of the required columns: "
                                       "move the table's sheet to the front, or save that sheet as CSV")
    return None


def spreadsheet_error_failures(raw: pd.DataFrame, table: str, file: str) -> list[Failure]:
    """Cells holding a spreadsheet's error value (``#N/A``: a lookup that found nothing), in the
    contract's columns other than free text: never data, though a category or identifier column
    would take them as such.

    Examples
    --------
    >>> raw = pd.DataFrame({"participant_id": ["A", "B"], "gender": ["female", "#N/A"]})
    >>> print(spreadsheet_error_failures(raw, "participants", "p.csv")[0])  # doctest: +NORMALIZE_WHITESPACE
    p.csv, row 3, column `gender`: expected a value, not a spreadsheet's error value (a formula that failed
    in the spreadsheet the file was exported from): correct the formula, or leave the cell empty; found '#N/A'
    """
    out = []
    for column in COLUMN_TYPES[table]:
        if column in FREE_TEXT or list(raw.columns).count(column) != 1:  # twice: refused as ambiguous
            continue
        # the distinct texts only (a million participants' cells are a few hundred distinct texts)
        distinct = pd.Series(pd.unique(raw[column].dropna()), dtype="object")
        errors = distinct[distinct.astype("str").str.strip().str.upper().isin(SPREADSHEET_ERRORS)]
        if errors.empty:
            continue
        bad = raw[column].isin(errors).to_numpy()
        if bad.any():
            out.append(Failure(file, tuple(int(i) + ROW_OFFSET for i in raw.index[bad]), column,
                               "a value, not a spreadsheet's error value (a formula that failed in the spreadsheet "
                               "the file was exported from): correct the formula, or leave the cell empty",
                               tuple(raw.loc[bad, column].astype(str).str.strip())))
    return out


def category_spelling_failures(participants: pd.DataFrame, workforce: pd.DataFrame, file: str,
                               workforce_file: str) -> list[Failure]:
    """Protected characteristics whose one category is written two ways, compared ignoring case,
    spaces, hyphens and underscores (``Female``, ``female``; ``White Scottish``,
    ``white_scottish``): each spelling would be a group of its own, and only the workforce's
    spelling meets its eligible headcount. The spelling kept is the workforce table's, else the
    contract's (``not_declared``), else the one most rows use; the other rows are named.

    Examples
    --------
    >>> p = pd.DataFrame({"gender": ["female", "Female", "male", "female"]})
    >>> wf = pd.DataFrame({"dimension": ["gender"], "category": ["female"]})
    >>> print(category_spelling_failures(p, wf, "p.csv", "workforce.csv")[0])  # doctest: +NORMALIZE_WHITESPACE
    p.csv, row 3, column `gender`: expected each category spelt one way: 'female' (as in workforce.csv), not
    differing in case, spaces or underscores (each spelling would be counted as a group of its own); found 'Female'
    """
    out = []
    for column in PROTECTED:
        if column not in participants:
            continue
        cells = participants[column].dropna()
        counts = cells.astype("category").value_counts() if len(cells) else pd.Series(dtype="int64")
        counts = counts[counts > 0]
        counts.index = counts.index.astype(str)
        known = set()
        if len(workforce) and {"dimension", "category"} <= set(workforce.columns):
            known = set(workforce.loc[workforce["dimension"] == column, "category"].dropna().astype(str))
        keys = {_key(k): k for k in known}
        if counts.index.map(_key).nunique() == len(counts) and all(keys.get(_key(s), s) == s for s in counts.index):
            continue  # each category written one way, and the workforce's way: nothing to name
        values = cells.astype(str)
        spelt = {}  # how each category is spelt: the workforce's, the contract's, else the most used
        for spelling in sorted(counts.index, key=lambda s: (-counts[s], s != _key(s), s)):  # a tie: snake_case
            spelt.setdefault(_key(spelling), (spelling, "as most rows spell it"))
        for spelling in NAMED_CATEGORIES:
            if _key(spelling) in spelt:
                spelt[_key(spelling)] = (spelling, "as the contract spells it")
        for spelling in sorted(known):
            if _key(spelling) in spelt:
                spelt[_key(spelling)] = (spelling, f"as in {workforce_file}")
        keep = values.map({v: spelt[_key(v)][0] for v in counts.index})
        bad = values != keep
        for spelling, index in values[bad].groupby(keep[bad]).groups.items():
            why = spelt[_key(spelling)][1]
            out.append(Failure(file, tuple(int(i) + ROW_OFFSET for i in index), column,
                               f"each category spelt one way: {spelling!r} ({why}), not differing in case, spaces "
                               "or underscores (each spelling would be counted as a group of its own)",
                               tuple(values[index])))
    return out


def label_hint(texts: Iterable[object], instruments: Mapping[str, object]) -> str:
    """Words for a rule on answers that are not numbers, when one of them is an instrument's label
    (a survey tool exporting ``Agree`` for 4): which number it stands for and where that is said.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> inst = {"lp": SimpleNamespace(labels={4: "Agree", 5: "Strongly agree"})}
    >>> print(label_hint(["agree ", "x"], inst))  # doctest: +NORMALIZE_WHITESPACE
    ; an answer is its number, not its label: 'agree ' is 4 in the `labels` of instrument 'lp' (export the
    answers as numbers, or replace each label by its number)
    >>> label_hint(["x"], inst)
    ''
    """
    words = {}
    for name, instrument in instruments.items():
        for number, label in (getattr(instrument, "labels", None) or {}).items():
            words.setdefault(str(label).strip().casefold(), (number, name))
    for text in texts:
        if isinstance(text, str) and text.strip().casefold() in words:
            number, name = words[text.strip().casefold()]
            return (f"; an answer is its number, not its label: {text!r} is {number} in the `labels` of instrument "
                    f"{name!r} (export the answers as numbers, or replace each label by its number)")
    return ""


_MIDNIGHT = r"^\s*(\d{4}-\d{2}-\d{2})[ T]00:00:00\s*$"


def workbook_dates(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A workbook's table with its date cells as ISO dates: pandas reads a cell formatted as a date
    (Excel stores it as a date and time) as ``2003-01-23 00:00:00``; a time other than midnight
    stays, and is refused as not a date.

    Examples
    --------
    >>> workbook_dates(pd.DataFrame({"enrolled_on": ["2003-01-23 00:00:00", "2003-01-23 09:30:00"]}),
    ...                "participants")["enrolled_on"].tolist()
    ['2003-01-23', '2003-01-23 09:30:00']
    """
    dates = [c for c, kind in COLUMN_TYPES[table].items() if kind == "date" and c in frame.columns]
    if not dates:
        return frame
    frame = frame.copy()
    for column in dates:
        present = frame[column].notna()
        frame.loc[present, column] = frame.loc[present, column].astype("str").str.replace(_MIDNIGHT, r"\1", regex=True)
    return frame


def workbook_blocks(blocks: Iterable[pd.DataFrame], table: str) -> Iterator[pd.DataFrame]:
    """:func:`workbook_dates` of each block of a workbook read in blocks."""
    for block in blocks:
        yield workbook_dates(block, table)

