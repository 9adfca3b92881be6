"""Declarative schemas of the input tables (CONTRACT section 2), as pandera models.

Each raw table is read as text, parsed to typed columns by :func:`evaluation.data.validate.parse_table`
(which reports cells that are not a number / date as failures), and then checked against the
model here with ``lazy=True``, so that one run reports every failure at once. Rules that need
another table or the parameters (a participant that exists, an item of the instrument, a value
within the response range, a council area of the workforce file...) are in
:mod:`evaluation.data.validate`.
"""

from __future__ import annotations

from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from evaluation.core.vocabulary import (
    COST_BASES,
    COST_CATEGORIES,
    EQUITY_DIMENSIONS,
    FRAMEWORK_AREAS,
    GROUPS,
    PROTECTED,
    RATERS,
    ROLE_LEVELS,
    SECTORS,
    STATUSES,
    WAVES,
)

__all__ = [
    "COLUMN_TYPES",
    "SCHEMAS",
    "Costs",
    "Deflators",
    "Participants",
    "Responses",
    "Workforce",
]

#: The participant columns the eligible workforce can be broken down by.
WORKFORCE_DIMENSIONS = EQUITY_DIMENSIONS

_Int = pd.Int64Dtype
_Float = pd.Float64Dtype


class Participants(pa.DataFrameModel):
    """``data/raw/<programme>/participants.csv``: one row per participant."""

    participant_id: Series[str] = pa.Field(nullable=False, unique=True)
    cohort: Series[_Int] = pa.Field(nullable=False, ge=1)
    sector: Series[str] = pa.Field(nullable=False, isin=SECTORS)
    local_authority: Series[str] = pa.Field(nullable=False)
    role_level: Series[str] = pa.Field(nullable=False, isin=ROLE_LEVELS)
    framework_area: Series[str] = pa.Field(nullable=False, isin=FRAMEWORK_AREAS)
    gender: Optional[Series[str]] = pa.Field(nullable=True)
    age_band: Optional[Series[str]] = pa.Field(nullable=True)
    ethnicity: Optional[Series[str]] = pa.Field(nullable=True)
    disability: Optional[Series[str]] = pa.Field(nullable=True)
    enrolled_on: Series[pa.DateTime] = pa.Field(nullable=False)
    status: Series[str] = pa.Field(nullable=False, isin=STATUSES)
    sessions_attended: Optional[Series[_Int]] = pa.Field(nullable=True, ge=0)
    group: Optional[Series[str]] = pa.Field(nullable=True, isin=GROUPS)


class Responses(pa.DataFrameModel):
    """``data/raw/<programme>/responses.csv``: long format, one row per answer."""

    participant_id: Series[str] = pa.Field(nullable=False)
    wave: Series[str] = pa.Field(nullable=False, isin=WAVES)
    rater: Series[str] = pa.Field(nullable=False, isin=RATERS)
    instrument: Series[str] = pa.Field(nullable=False)
    item: Series[str] = pa.Field(nullable=False)
    value: Series[_Float] = pa.Field(nullable=True)
    responded_on: Optional[Series[pa.DateTime]] = pa.Field(nullable=True)

    class Config:
        unique = ["participant_id", "wave", "rater", "instrument", "item"]


class Costs(pa.DataFrameModel):
    """``data/raw/<programme>/costs.csv``: one row per cost line (nominal pounds)."""

    cohort: Series[_Int] = pa.Field(nullable=True, ge=1)
    category: Series[str] = pa.Field(nullable=False, isin=COST_CATEGORIES)
    description: Series[str] = pa.Field(nullable=True)
    amount: Series[_Float] = pa.Field(nullable=False, ge=0)
    price_year: Series[_Int] = pa.Field(nullable=False, ge=1900, le=2100)
    basis: Series[str] = pa.Field(nullable=False, isin=COST_BASES)


class Workforce(pa.DataFrameModel):
    """``data/raw/reference/workforce.csv``: the eligible workforce by population, year, dimension and category.

    ``population`` is optional (absent: every row describes ``all_staff``); it names the
    population a row describes (lower-case snake_case, e.g. ``first_and_middle_managers``).
    """

    year: Series[_Int] = pa.Field(nullable=False, ge=1900, le=2100)
    population: Series[str] = pa.Field(nullable=False, str_matches=r"^[a-z][a-z0-9_]*$")
    dimension: Series[str] = pa.Field(nullable=False, isin=WORKFORCE_DIMENSIONS)
    category: Series[str] = pa.Field(nullable=False)
    headcount: Series[_Int] = pa.Field(nullable=False, ge=0)
    source: Series[str] = pa.Field(nullable=False)

    class Config:
        unique = ["year", "population", "dimension", "category"]


class Deflators(pa.DataFrameModel):
    """``data/raw/reference/gdp_deflators.csv``: HM Treasury GDP deflator, one row per year."""

    year: Series[_Int] = pa.Field(nullable=False, unique=True, ge=1900, le=2100)
    index: Series[_Float] = pa.Field(nullable=False, gt=0)
    source: Series[str] = pa.Field(nullable=False)


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "participants": Participants,
    "responses": Responses,
    "costs": Costs,
    "workforce": Workforce,
    "deflators": Deflators,
}

#: How each column is parsed from text before the schema runs: ``int``, ``number``, ``date``
#: or ``text``. Columns not listed here are not part of the contract and are not kept.
COLUMN_TYPES: dict[str, dict[str, str]] = {
    "participants": {
        "participant_id": "text",
        "cohort": "int",
        "sector": "text",
        "local_authority": "text",
        "role_level": "text",
        "framework_area": "text",
        "gender": "text",
        "age_band": "text",
        "ethnicity": "text",
        "disability": "text",
        "enrolled_on": "date",
        "status": "text",
        "sessions_attended": "int",
        "group": "text",
    },
    "responses": {
        "participant_id": "text",
        "wave": "text",
        "rater": "text",
        "instrument": "text",
        "item": "text",
        "value": "number",
        "responded_on": "date",
    },
    "costs": {
        "cohort": "int",
        "category": "text",
        "description": "text",
        "amount": "money",
        "price_year": "int",
        "basis": "text",
    },
    "workforce": {
        "year": "int",
        "population": "text",
        "dimension": "text",
        "category": "text",
        "headcount": "int",
        "source": "text",
    },
    "deflators": {"year": "int", "index": "number", "source": "text"},
}

#: Optional columns, and the value an absent optional column takes (None = stays absent).
OPTIONAL_COLUMNS: dict[str, dict[str, object]] = {
    "participants": {c: None for c in (*PROTECTED, "sessions_attended", "group")},
    "responses": {"rater": "self", "responded_on": None},
    "costs": {"description": None},
    "workforce": {"population": "all_staff"},
    "deflators": {},
}
