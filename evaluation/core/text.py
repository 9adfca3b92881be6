"""Text from data or parameters, made safe for where it goes: Markdown, spreadsheets, ids.

A programme title, a scale title or a participant category (ethnicity, say) is data: it may hold
``<script>``, Markdown or a spreadsheet formula. These functions are applied where such text is
rendered or published (issue 10, OWASP's guidance on CSV injection).
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import pandas as pd

__all__ = ["FORMULA_STARTS", "md", "safe_code", "spreadsheet_safe"]

#: A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN = re.compile(r"([\\`*_\[\]{}#|!~])")
_CODE = re.compile(r"[a-z0-9_]{1,64}")


def md(text: Any) -> str:
    """Text from data, for a Markdown summary: HTML escaped and Markdown's marks neutralised.

    Ordinary words come out as they went in, so the summary reads the same.

    Examples
    --------
    >>> md("Leading change"), md("Na h-Eileanan Siar (council area)")
    ('Leading change', 'Na h-Eileanan Siar (council area)')
    >>> md("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> md("[click](javascript:alert(1)) *bold*")
    '\\\\[click\\\\](javascript:alert(1)) \\\\*bold\\\\*'
    """
    return _MARKDOWN.sub(r"\\\1", html.escape(str(text), quote=False))


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas: a text cell starting with
    ``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP). Numbers are untouched.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["=HYPERLINK(\\"x\\")", "fife"], "n": [-3, 4]})
    >>> spreadsheet_safe(t).to_dict("list")
    {'category': ['\\'=HYPERLINK("x")', 'fife'], 'n': [-3, 4]}
    >>> one = pd.DataFrame({"rater": pd.Categorical(["self", "self"])})  # a single category
    >>> spreadsheet_safe(one)["rater"].tolist()
    ['self', 'self']
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            # as plain objects: a categorical column maps to a categorical of booleans when its
            # categories map one to one (a single category, e.g. every rater ``self``), and such
            # a column has no ``any`` and takes no value outside its categories
            values = values.astype(object)
            risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS)).astype(bool)
            if risky.any():
                out[column] = values.where(~risky, "'" + values.astype(str))
    return out


def safe_code(text: Any) -> str:
    """A category as an id part: itself when it is already a code (``[a-z0-9_]``, at most 64),
    otherwise a readable slug and a short hash, so that ids never carry raw text.

    Examples
    --------
    >>> safe_code("white_scottish")
    'white_scottish'
    >>> safe_code("<script>alert(1)</script>")
    'script_alert_1_script_5c140d35'
    """
    text = str(text)
    if _CODE.fullmatch(text):
        return text
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "category"
    return f"{slug}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"
