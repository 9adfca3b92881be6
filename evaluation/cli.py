"""Command-line interface: ``python -m evaluation <verb> [options]``.

Verbs: ``evaluate`` (one cohort's report: ingest if needed, run the report notebooks, render
HTML), ``programme`` (the programme report: every cohort pooled and side by side), ``compare``
(programmes side by side), ``verify`` (re-execute a report with nbval and re-derive its
findings: a cohort's with ``--cohort``, the programme report with ``--report programme``, the
comparison with ``--report comparison``), ``ingest`` (raw → processed for one programme),
``synthesise`` (regenerate the shipped synthetic data). Exit status 0 means every output was written and is complete; any failure
exits non-zero with a message naming the file, rows, column and rule, and writes nothing. An
error of the operating system (a read-only folder, a full disk, a name too long) is one line,
``error: <what was being done> <path>: <reason>``, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evaluation.core.checks import check_name
from evaluation.core.errors import DemoKeyWarning, EvaluationError, FileSystemError, ParameterError
from evaluation.core.paths import DATA_DIR, PARAMS_DIR, REPORTS_DIR

#: The programmes ``compare`` sets side by side by default (as
#: :data:`evaluation.publish.programme_pipeline.DEFAULT_COMPARISON`; the CLI does not import the
#: pipeline before it is needed, and a test keeps the two equal).
DEFAULT_COMPARISON = ("leading-to-deliver", "collaborative-leadership")

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _programme(text: str) -> str:
    try:
        return check_name(text, "programme")
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _cohort(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"`cohort` must be a whole number from 1 to 1,000,000; got {text[:80]!r}")
    return int(text)


def _common(parser: argparse.ArgumentParser, *, programme: bool = True) -> None:
    if programme:
        parser.add_argument("--programme", default="leading-to-deliver", type=_programme,
                            help="programme folder name (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                        help="folder holding raw/ and processed/ (default: the repository's data/)")
    parser.add_argument("--params-dir", type=Path, default=PARAMS_DIR,
                        help="folder holding the parameter files (default: the repository's params/)")


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (``error: <command>: <what is wrong>``) instead of
    the usage summary followed by the error."""

    def error(self, message: str):  # noqa: D102
        self.exit(EXIT_USAGE, f"error: {self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m evaluation",
        description="Leadership programme evaluation workbench.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser("evaluate", help="build one cohort's report (tables, figures, findings, HTML)")
    _common(p)
    p.add_argument("--cohort", type=_cohort, required=True, help="cohort number")
    p.add_argument("--reports-dir", type=Path, default=REPORTS_DIR,
                   help="folder receiving <programme>/cohort-<n>/ (default: the repository's reports/)")

    p = verbs.add_parser("programme", help="build the programme report: every cohort pooled and side by side")
    _common(p)
    p.add_argument("--reports-dir", type=Path, default=REPORTS_DIR,
                   help="folder receiving <programme>/programme/ (default: the repository's reports/)")

    p = verbs.add_parser("compare", help="set programmes side by side, with every difference that limits the comparison")
    _common(p, programme=False)
    p.add_argument("--programmes", nargs="+", type=_programme, default=list(DEFAULT_COMPARISON), metavar="PROGRAMME",
                   help="two or more programme folder names (default: %(default)s)")
    p.add_argument("--reports-dir", type=Path, default=REPORTS_DIR,
                   help="folder receiving comparison/ (default: the repository's reports/)")

    p = verbs.add_parser("verify", help="re-execute a report with nbval and re-derive every finding")
    _common(p)
    p.add_argument("--cohort", type=_cohort, default=None, help="cohort number (for a cohort's report)")
    p.add_argument("--report", choices=("cohort", "programme", "comparison"), default="cohort",
                   help="which report: a cohort's (with --cohort; the default), the programme report of --programme, "
                        "or the comparison of --programmes")
    p.add_argument("--programmes", nargs="+", type=_programme, default=list(DEFAULT_COMPARISON), metavar="PROGRAMME",
                   help="with --report comparison: the programmes compared (default: %(default)s)")
    p.add_argument("--reports-dir", type=Path, default=REPORTS_DIR,
                   help="folder holding the reports (default: the repository's reports/)")

    p = verbs.add_parser("ingest", help="validate, pseudonymise and score a programme's raw data")
    _common(p)
    p.add_argument("--key-file", type=Path, default=None,
                   help="file (outside the repository) holding the pseudonymisation key "
                        "(default: $EVALUATION_ID_KEY, then $EVALUATION_ID_KEY_FILE)")

    p = verbs.add_parser("synthesise", help="regenerate the shipped synthetic data under data/raw/")
    _common(p, programme=False)
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the generator's)")
    return parser


_PROGRESS_LOCK = threading.Lock()


def _progress(message: str) -> None:
    """One progress line on standard error, written whole: the report notebooks run in threads of
    their own, and ``print`` writes a line's text and its end apart (two lines could mix)."""
    with _PROGRESS_LOCK:
        sys.stderr.write(f"[evaluation] {message}\n")
        sys.stderr.flush()


@contextmanager
def _demo_key_notice() -> Iterator[None]:
    """Print the demo-key warning as a progress line when it is first issued, and only once.

    Ingesting a programme and the programmes it is compared with issues one warning per
    programme; one line says it. Other warnings are shown as Python shows them.
    """
    shown: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("always", DemoKeyWarning)
        show_other = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if not issubclass(category, DemoKeyWarning):
                show_other(message, category, filename, lineno, file, line)
            elif str(message) not in shown:
                shown.add(str(message))
                _progress(f"WARNING: {message}")

        warnings.showwarning = show
        yield


def _run_ingest(args: argparse.Namespace) -> int:
    from evaluation.data.ingest import ingest

    start = time.perf_counter()
    _progress(f"ingest {args.programme}: validating {args.data_dir / 'raw' / args.programme}")
    with _demo_key_notice():
        result = ingest(args.programme, data_dir=args.data_dir, params_dir=args.params_dir, key_file=args.key_file)
    rows = {o["path"]: o["rows"] for o in result.manifest["outputs"]}
    _progress(
        f"ingest {args.programme}: wrote {result.directory} "
        f"({rows['participants.parquet']:,} participants, {rows['responses.parquet']:,} answers, "
        f"{rows['scale_scores.parquet']:,} scale scores, {result.n_excluded:,} exclusions logged) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return EXIT_OK


def _run_evaluate(args: argparse.Namespace) -> int:
    # first, before pandas and the data layer are imported: the report kernels' fork server, whose
    # imports then run on the other core while this process checks the parameters and the data
    from evaluation.publish.report_plan import early_fork_server

    forks = early_fork_server(args.programme, args.data_dir)
    try:
        from evaluation.publish.pipeline import evaluate

        with _demo_key_notice():
            evaluate(args.programme, args.cohort, data_dir=args.data_dir, params_dir=args.params_dir,
                     reports_dir=args.reports_dir, progress=_progress, forks=forks)
    finally:
        if forks is not None:
            forks.close()
    return EXIT_OK


def _run_programme(args: argparse.Namespace) -> int:
    from evaluation.publish.programme_pipeline import evaluate_programme

    with _demo_key_notice():
        evaluate_programme(args.programme, data_dir=args.data_dir, params_dir=args.params_dir,
                           reports_dir=args.reports_dir, progress=_progress)
    return EXIT_OK


def _run_compare(args: argparse.Namespace) -> int:
    from evaluation.publish.programme_pipeline import compare_programmes

    with _demo_key_notice():
        compare_programmes(args.programmes, data_dir=args.data_dir, params_dir=args.params_dir,
                           reports_dir=args.reports_dir, progress=_progress)
    return EXIT_OK


def _run_verify(args: argparse.Namespace) -> int:
    from evaluation.publish.programme_pipeline import ReportScope
    from evaluation.publish.programme_verify import verify_scope
    from evaluation.publish.verify import verify

    if args.report == "cohort" and args.cohort is None:
        raise ParameterError("verify: give --cohort <n> for a cohort's report, or --report programme / "
                             "--report comparison")
    if args.report != "cohort" and args.cohort is not None:
        raise ParameterError(f"verify: --cohort is for a cohort's report, not with --report {args.report}")
    folders = {"data_dir": args.data_dir, "params_dir": args.params_dir, "reports_dir": args.reports_dir}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DemoKeyWarning)
        if args.report == "cohort":
            result = verify(args.programme, args.cohort, **folders, progress=_progress)
        else:
            scope = (ReportScope.programme(args.programme) if args.report == "programme"
                     else ReportScope.comparison(args.programmes))
            result = verify_scope(scope, **folders, progress=_progress)
    for line in result.lines:
        print(line)
    if result.ok:
        print(f"verdict: PASS: {len(result.lines)} checks, no difference")
        return EXIT_OK
    print(f"verdict: FAIL: {len(result.differences)} difference(s):")
    for text in result.differences:
        print(f"  - {text}")
    return EXIT_FAILED


def _run_synthesise(args: argparse.Namespace) -> int:
    from evaluation.data.synthetic import synthesise

    kwargs = {} if args.seed is None else {"seed": args.seed}
    written = synthesise(args.data_dir, args.params_dir, **kwargs)
    for path in written:
        _progress(f"wrote {path}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runner = {"evaluate": _run_evaluate, "programme": _run_programme, "compare": _run_compare,
              "verify": _run_verify, "ingest": _run_ingest, "synthesise": _run_synthesise}[args.verb]
    try:
        return runner(args)
    except EvaluationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # the I/O module names its own; this catches any other (pathlib, papermill)
        action = f"{args.verb}: cannot use" if exc.filename is not None else f"{args.verb} stopped"
        print(f"error: {FileSystemError(action, exc.filename, exc)}", file=sys.stderr)
        return EXIT_FAILED

