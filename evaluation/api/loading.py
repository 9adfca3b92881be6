"""What there is to load, and loading it: :func:`list_programmes`, :func:`list_cohorts`,
:func:`load_cohort`, :func:`load_programme`, and programmes loaded to be compared,
:func:`compare_programmes` (see :mod:`evaluation.api`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from evaluation.api.arguments import cohort_number, programme_name
from evaluation.api.cohort import Cohort
from evaluation.api.programme import Programme
from evaluation.core.errors import ParameterError
from evaluation.core.paths import PARAMS_DIR
from evaluation.data import params as _params
from evaluation.data.cohort import load_cohort_data
from evaluation.reports import comparison_report

__all__ = ["compare_programmes", "list_cohorts", "list_programmes", "load_cohort", "load_programme"]


def list_programmes(params_dir: Path | str | None = None) -> list[str]:
    """The programmes with a parameter folder (``params/<programme>/programme.yaml``), sorted.

    Parameters
    ----------
    params_dir : path, optional
        Where the parameter folders are (default: the repository's ``params/``).

    Returns
    -------
    list of str
        The names :func:`~evaluation.api.load_programme` and :func:`~evaluation.api.load_cohort`
        accept; empty when there are none.

    Examples
    --------
    >>> import evaluation as ev
    >>> ev.list_programmes()
    ['collaborative-leadership', 'leading-to-deliver']
    """
    return _params.list_programmes(Path(params_dir) if params_dir else PARAMS_DIR)


def list_cohorts(programme: str, params_dir: Path | str | None = None) -> list[int]:
    """The cohorts of a programme that have parameters (``params/<programme>/cohort-<n>.yaml``), sorted.

    Parameters
    ----------
    programme : str
        One of :func:`list_programmes`.
    params_dir : path, optional
        Where the parameter folders are (default: the repository's ``params/``).

    Returns
    -------
    list of int
        The cohort numbers :func:`~evaluation.api.load_cohort` accepts. A cohort with
        parameters may still lack processed data (``make data`` builds them).

    Raises
    ------
    ParameterError
        ``programme`` is not one of :func:`list_programmes` (the message lists them).

    Examples
    --------
    >>> import evaluation as ev
    >>> ev.list_cohorts("leading-to-deliver")
    [1, 2, 3, 4, 5]
    >>> ev.list_cohorts("leading to deliver")
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `programme` must be one of 'collaborative-leadership', 'leading-to-deliver' (folders of ... with a programme.yaml); got 'leading to deliver'
    """
    folder = Path(params_dir) if params_dir else PARAMS_DIR
    return _params.list_cohorts(folder, programme_name(programme, folder))


def load_cohort(
    programme: str,
    cohort: int | str,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> Cohort:
    """Load one cohort's processed (pseudonymised, scored) data and its parameters.

    Parameters
    ----------
    programme : str
        The programme's name, as its folder under ``params/`` (e.g. ``"leading-to-deliver"``).
    cohort : int or str
        The cohort's number (``2`` or ``"2"``).
    data_dir, params_dir : path, optional
        Where the data and parameter folders are (default: the repository's ``data/`` and
        ``params/``; point them at a secure location for real data).

    Returns
    -------
    Cohort

    Raises
    ------
    ParameterError
        Unknown programme, or no parameter file for the cohort (the message lists those there are).
    DataValidationError
        The processed data are missing; the message gives the command that builds them.

    Examples
    --------
    >>> import evaluation as ev
    >>> ev.load_cohort("leading-to-deliver", "2")
    <Cohort leading-to-deliver 2 (2004): 104 participants, 10 scales>
    >>> ev.load_cohort("leading-to-deliver", 9)
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `cohort` must be the number of a cohort of 'leading-to-deliver' with parameters (1, 2, 3, 4, 5: params/leading-to-deliver/cohort-<n>.yaml); got 9
    """
    params = Path(params_dir) if params_dir else PARAMS_DIR
    name = programme_name(programme, params)
    number = cohort_number(cohort, name, params)
    data = load_cohort_data(name, number, data_dir=data_dir, params_dir=params)
    return Cohort(data, data_dir=Path(data_dir) if data_dir else None, params_dir=Path(params_dir) if params_dir else None)


def load_programme(
    programme: str,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> Programme:
    """Load every cohort of a programme that has parameters (each as :func:`load_cohort` does).

    Parameters
    ----------
    programme : str
        One of :func:`~evaluation.api.list_programmes`.
    data_dir, params_dir : path, optional
        Where the data and parameter folders are (default: the repository's ``data/`` and ``params/``).

    Returns
    -------
    Programme

    Raises
    ------
    ParameterError
        Unknown programme (the message lists those there are).
    DataValidationError
        The processed data are missing; the message gives the command that builds them.

    Examples
    --------
    >>> import evaluation as ev
    >>> ltd = ev.load_programme("leading-to-deliver")
    >>> ltd
    <Programme leading-to-deliver: 5 cohorts (1, 2, 3, 4, 5), 514 participants>
    >>> ltd["2"].number, [c.number for c in ltd][-1]
    (2, 5)
    """
    params = Path(params_dir) if params_dir else PARAMS_DIR
    name = programme_name(programme, params)
    cohorts = {n: load_cohort(name, n, data_dir=data_dir, params_dir=params) for n in _params.list_cohorts(params, name)}
    return Programme(name, cohorts)


def compare_programmes(
    programmes: Sequence[str] = ("leading-to-deliver", "collaborative-leadership"),
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> comparison_report.ComparisonResult:
    """Programmes side by side, with every difference that limits the comparison (``make compare``).

    Parameters
    ----------
    programmes : list of str, default both shipped programmes
        Two or more different programmes of :func:`~evaluation.api.list_programmes`.
    data_dir, params_dir : path, optional
        Where the data and parameter folders are (default: the repository's ``data/`` and ``params/``).

    Returns
    -------
    ComparisonResult
        The comparison's tables (``programme_profiles``, ``programme_comparison`` with a
        ``limits`` column, ``comparison_limits``), findings and summary.

    Raises
    ------
    ParameterError
        One programme (a string) or fewer than two different ones, or an unknown programme.

    Notes
    -----
    ``docs/methods.md``, "Comparing programmes".

    Examples
    --------
    >>> import evaluation as ev
    >>> both = ev.compare_programmes()
    >>> both.table("comparison_limits")["difference"].tolist()[:2]
    ['population', 'participant_time']
    """
    if isinstance(programmes, str) or not isinstance(programmes, Iterable):
        raise ParameterError(f"`programmes` must list two or more programmes to compare, e.g. "
                             f"['leading-to-deliver', 'collaborative-leadership']; got {programmes!r} (one "
                             f"{type(programmes).__name__}): for one programme use load_programme")
    names = list(programmes)
    if len(names) < 2 or len(set(map(repr, names))) < len(names):
        raise ParameterError(f"`programmes` must list two or more different programmes to compare; got {programmes!r}")
    folder = Path(params_dir) if params_dir else PARAMS_DIR
    names = [programme_name(p, folder, "programmes") for p in names]
    loaded = [load_programme(p, data_dir=data_dir, params_dir=params_dir).data for p in names]
    return comparison_report.build(loaded)
