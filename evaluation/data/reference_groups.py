"""The cohort's equity reference groups (``equity.reference``), checked against the workforce
table before any report notebook runs.

A reference group that no year of the programme's eligible population has (a misspelt category,
or one of another dimension) would otherwise be found only by the equity notebook, after the
other notebooks had run, in a message that does not name the parameter file. The notebook's own
check stays: it also refuses a category without an eligible workforce in the cohort's year.
This runs in ``evaluate``'s own process, which imports no statistics (scipy is the report
kernels'): the national bodies come from :mod:`evaluation.core.vocabulary`.
"""

from __future__ import annotations

from pathlib import Path

from evaluation.core.errors import ParameterError
from evaluation.core.paths import processed_dir, shown_path
from evaluation.core.processed_files import read_parquet_columns
from evaluation.core.vocabulary import NON_COUNCIL_AREAS
from evaluation.data.param_files import did_you_mean
from evaluation.data.params import load_cohort, load_programme

__all__ = ["check_reference_groups", "reference_categories"]


def reference_categories(workforce, dimension: str, population: str) -> list[str]:
    """The categories of ``dimension`` that can be a reference group: those with eligible staff
    (``headcount`` above 0) in some year of ``population`` (a table without a ``population``
    column describes ``all_staff``), national bodies aside, in the table's order.

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"year": 2004, "population": "managers", "dimension": "sector",
    ...                   "category": ["local_authority", "private", "health"], "headcount": [70, 60, 0]})
    >>> reference_categories(w, "sector", "managers")
    ['local_authority', 'private']
    """
    rows = workforce[workforce["dimension"] == dimension]
    if "population" in rows:
        rows = rows[rows["population"] == population]
    elif population != "all_staff":
        rows = rows.iloc[:0]
    rows = rows[rows["headcount"].fillna(0).gt(0)]
    categories = list(dict.fromkeys(rows["category"].astype(str)))
    if dimension == "local_authority":
        categories = [c for c in categories if c not in NON_COUNCIL_AREAS]
    return categories


def check_reference_groups(programme: str, cohort: int, *, data_dir: Path, params_dir: Path) -> None:
    """Refuse a cohort's ``equity.reference`` category that its dimension has no eligible staff
    in, in any year of the programme's eligible population (the processed ``workforce`` table).
    A dimension without any such category is not checked here: the report says it has no
    benchmark.

    Raises
    ------
    ParameterError
        Naming the cohort's parameter file, the key, the category and those allowed.
    """
    coh = load_cohort(params_dir, programme, cohort)
    if not coh.equity.reference:
        return
    population = load_programme(params_dir, programme).eligible_population
    workforce = read_parquet_columns(processed_dir(data_dir, programme) / "workforce.parquet",
                                     ["population", "dimension", "category", "headcount"])
    path = shown_path(Path(params_dir) / programme / f"cohort-{cohort}.yaml")
    for dimension, wanted in coh.equity.reference.items():
        allowed = reference_categories(workforce, dimension, population)
        if allowed and wanted not in allowed:
            raise ParameterError(
                f"{path}: key `equity.reference.{dimension}` is {wanted!r}, but workforce.csv has no staff in that "
                f"category in the eligible population {population!r}, in any year; the reference group must be one "
                f"of: {', '.join(allowed)}{did_you_mean(wanted, allowed)}")
