"""Root pytest configuration: the shipped synthetic data are processed before any test runs.

Docstring examples (``--doctest-modules`` over ``evaluation/``) and the tutorial notebook load
cohorts from the repository's ``data/processed/``, which is derived and not committed. This
builds it, as ``make data`` does, only when it is missing or out of date; ``data/raw/`` is
only read.
"""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture(scope="session", autouse=True)
def processed_synthetic_data():
    from evaluation.core.errors import DemoKeyWarning
    from evaluation.core.paths import DATA_DIR, PARAMS_DIR
    from evaluation.data.ingest import ingest, is_up_to_date

    for programme in ("leading-to-deliver", "collaborative-leadership"):
        if not is_up_to_date(programme, data_dir=DATA_DIR, params_dir=PARAMS_DIR):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DemoKeyWarning)
                ingest(programme, data_dir=DATA_DIR, params_dir=PARAMS_DIR)
