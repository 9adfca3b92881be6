"""Cohort reports: load a cohort's processed data, assemble its tables and findings, publish.

The report notebooks call this module and display what it returns; they compute nothing
themselves. Everything here is deterministic: the same processed data and parameters give the
same tables and findings to the last digit.

* :func:`load_cohort_data` reads one cohort's processed data and parameters.
* :func:`outcome_tables` computes every table of the outcomes report.
* :func:`outcome_findings` derives the headline findings from those tables (also used by
  reviewers to re-derive them).
* :func:`outcome_summary` writes the plain-language summary for commissioners.
* :class:`Publisher` writes tables, figures and findings into a report folder and displays them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import outcomes as oc
from .disclosure import protect_table
from .errors import EvaluationError, EvaluationWarning
from .io import read_json, read_processed, write_bytes, write_csv, write_json
from .params import (
    COMPARISONS,
    Cohort,
    Instrument,
    Programme,
    item_map,
    load_cohort,
    load_instruments,
    load_programme,
)
from .paths import DATA_DIR, PARAMS_DIR, processed_dir

__all__ = [
    "BREAKDOWN_DIMENSIONS",
    "CohortData",
    "collect_warnings",
    "NoCohortDataError",
    "Publisher",
    "load_cohort_data",
    "outcome_findings",
    "outcome_summary",
    "outcome_tables",
    "rci_reliability",
    "scale_info",
    "show_table",
]

#: Participant characteristics by which outcomes are broken down (with disclosure control).
BREAKDOWN_DIMENSIONS = ("sector", "role_level", "framework_area")
DESIGN_LABEL = (
    "Single-group before-and-after design without a comparison group: Maryland Scientific "
    "Methods Scale level 1. The results describe change in the people who took part; they do "
    "not show that the programme caused it."
)


class NoCohortDataError(EvaluationError):
    """The cohort has parameters but no participants in the processed data."""


@dataclass(frozen=True)
class CohortData:
    """One cohort's processed data (pseudonymised) and its resolved parameters.

    ``participants``, ``responses``, ``scale_scores`` and ``reliability`` hold this cohort
    only; ``costs`` (all cost lines, including programme-level ones with a blank cohort),
    ``all_participants`` (every cohort, for apportioning and comparisons), ``workforce`` and
    ``deflators`` are the programme's.
    """

    programme: Programme
    cohort: Cohort
    instruments: dict[str, Instrument]
    participants: pd.DataFrame
    responses: pd.DataFrame
    scale_scores: pd.DataFrame
    reliability: pd.DataFrame
    costs: pd.DataFrame
    workforce: pd.DataFrame
    deflators: pd.DataFrame
    all_participants: pd.DataFrame
    items: pd.DataFrame
    processed_manifest: dict = field(default_factory=dict)

    @property
    def primary_scale(self) -> str | None:
        for inst in self.instruments.values():
            if inst.primary_scale and any(s.kirkpatrick_level == 2 for s in inst.scales.values()):
                return inst.primary_scale
        return None

    @property
    def titles(self) -> dict[str, str]:
        return {s: sc.title for inst in self.instruments.values() for s, sc in inst.scales.items()}


def load_cohort_data(
    programme: str,
    cohort: int,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> CohortData:
    """Load one cohort's processed data and parameters.

    Raises
    ------
    ParameterError
        The cohort has no (valid) parameter file.
    DataValidationError
        The programme's processed data are missing (run ingest first).
    NoCohortDataError
        No participant of the processed data belongs to the cohort.
    """
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    params_dir = Path(params_dir) if params_dir else PARAMS_DIR
    prog = load_programme(params_dir, programme)
    coh = load_cohort(params_dir, programme, cohort)
    instruments = load_instruments(params_dir, prog)
    folder = processed_dir(data_dir, programme)
    tables = read_processed(folder)
    in_cohort = {name: df[df["cohort"] == cohort].reset_index(drop=True) for name, df in tables.items()
                 if name in ("participants", "responses", "scale_scores", "reliability")}
    if in_cohort["participants"].empty:
        raise NoCohortDataError(
            f"{folder / 'participants.parquet'}: no participant of programme {programme!r} is in cohort "
            f"{cohort} (cohorts with data: {sorted(tables['participants']['cohort'].unique().tolist())})"
        )
    manifest = read_json(folder / "manifest.json") if (folder / "manifest.json").is_file() else {}
    return CohortData(
        programme=prog,
        cohort=coh,
        instruments=instruments,
        participants=in_cohort["participants"],
        responses=in_cohort["responses"],
        scale_scores=in_cohort["scale_scores"],
        reliability=in_cohort["reliability"],
        costs=tables["costs"],
        workforce=tables["workforce"],
        deflators=tables["deflators"],
        all_participants=tables["participants"],
        items=item_map(instruments),
        processed_manifest=manifest,
    )


def scale_info(data: CohortData) -> pd.DataFrame:
    """Scales in instrument order: ``instrument, title, kirkpatrick_level, higher_is_better``."""
    rows = []
    for inst in data.instruments.values():
        for name, sc in inst.scales.items():
            rows.append({
                "scale": name,
                "instrument": inst.name,
                "title": sc.title,
                "kirkpatrick_level": sc.kirkpatrick_level,
                "higher_is_better": inst.higher_is_better if sc.higher_is_better is None else sc.higher_is_better,
            })
    return pd.DataFrame(rows).set_index("scale")


def rci_reliability(data: CohortData) -> pd.DataFrame | float:
    """The r_xx used for reliable change: the cohort's number, or the pre-wave alpha per scale × rater."""
    setting = data.cohort.rci_reliability
    if setting != "alpha_pre":
        return float(setting)
    pre = data.reliability[data.reliability["wave"] == "pre"]
    return pre[["scale", "rater"]].assign(reliability=pre["alpha"].to_numpy()).reset_index(drop=True)


def collect_warnings(notes: list[dict], source: str, func: Callable[[], Any]) -> Any:
    """Run ``func`` and keep the workbench's warnings as report notes (``source, warning,
    message``) instead of stderr; other warnings pass on unchanged."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EvaluationWarning)
        result = func()
    for w in caught:
        if issubclass(w.category, EvaluationWarning):
            notes.append({"source": source, "warning": w.category.__name__, "message": str(w.message)})
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result


def _breakdowns(data: CohortData, comparison: str, threshold: int, confidence_level: float, notes) -> pd.DataFrame:
    earlier, later = COMPARISONS[comparison]
    level2 = [s for s, row in scale_info(data).iterrows() if row["kirkpatrick_level"] == 2]
    scores = data.scale_scores[(data.scale_scores["rater"] == "self") & data.scale_scores["scale"].isin(level2)]
    wide = scores.pivot_table(index=["participant_id", "scale"], columns="wave", values="score").reset_index()
    if earlier not in wide or later not in wide:
        return pd.DataFrame()
    wide = wide.dropna(subset=[earlier, later]).merge(
        data.participants[["participant_id", *BREAKDOWN_DIMENSIONS]], on="participant_id"
    )
    rows = []
    for dimension in BREAKDOWN_DIMENSIONS:
        for (category, scale), grp in wide.groupby([dimension, "scale"], sort=True):
            res = oc.paired_change(grp[earlier].to_numpy(), grp[later].to_numpy(), confidence_level=confidence_level) \
                if len(grp) >= threshold else None
            rows.append({
                "dimension": dimension,
                "category": category,
                "scale": scale,
                "comparison": comparison,
                "n_pairs": len(grp),
                "mean_change": res.mean_change if res else np.nan,
                "change_ci_low": res.change_ci_low if res else np.nan,
                "change_ci_high": res.change_ci_high if res else np.nan,
                "d_z": res.d_z if res else np.nan,
            })
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    # A group suppressed in the equity table (its number of participants) is suppressed here too,
    # so that a published number of pairs cannot narrow down a count hidden there.
    hidden = _equity_suppressed(data, threshold)
    forced = {i: "primary" if 1 <= n < threshold else "secondary"
              for i, (d, c, n) in enumerate(zip(table["dimension"], table["category"], table["n_pairs"], strict=True))
              if (d, str(c)) in hidden}
    return protect_table(table, count="n_pairs", threshold=threshold, by=["dimension", "scale"],
                         dependent=["mean_change", "change_ci_low", "change_ci_high", "d_z"], forced=forced,
                         forced_reason="suppressed as in equity.csv (the number of participants in this group)",
                         name="breakdowns").table


def _equity_suppressed(data: CohortData, threshold: int) -> set[tuple[str, str]]:
    """(dimension, category) pairs whose participant counts the equity table suppresses."""
    from .equity_report import protect_dimension  # imported here: equity_report imports this module

    hidden = set()
    for dimension in BREAKDOWN_DIMENSIONS:
        counts = data.participants[dimension].astype(str).value_counts().sort_index()
        rows = pd.DataFrame({"category": counts.index, "participants": counts.to_numpy()})
        flags = protect_dimension(rows, threshold, dimension)[0]
        hidden |= {(dimension, c) for c, f in zip(rows["category"], flags, strict=True) if f}
    return hidden


def outcome_tables(data: CohortData) -> dict[str, pd.DataFrame]:
    """Every table of the outcomes report for one cohort.

    Returns
    -------
    dict of DataFrame
        ``outcomes`` (CONTRACT columns), ``reliability``, ``attrition`` (flow and baseline
        comparison), ``mixed_model`` (three or more waves), ``response_shift`` (with a then-test),
        ``reaction`` (scales answered once), ``breakdowns`` (by sector, role level and framework
        area, after disclosure control) and ``notes`` (warnings about degenerate data).
    """
    coh = data.cohort
    info = scale_info(data)
    notes: list[dict] = []
    scores = data.scale_scores
    level = coh.confidence_level
    tables: dict[str, pd.DataFrame] = {}
    tables["outcomes"] = collect_warnings(notes, "outcomes", lambda: oc.outcomes_table(
        scores, comparisons=coh.comparisons, confidence_level=level, multiplicity=coh.multiplicity,
        reliability=rci_reliability(data), scale_info=info[["kirkpatrick_level", "higher_is_better"]],
    ))
    rel = data.reliability.copy()
    rel["wave"] = pd.Categorical(rel["wave"], categories=[w for w in coh.waves], ordered=True)
    order = {s: i for i, s in enumerate(info.index)}
    rel = rel.dropna(subset=["wave"]).assign(_o=rel["scale"].map(order)).sort_values(["_o", "wave", "rater"])
    tables["reliability"] = rel[["scale", "wave", "n", "k_items", "alpha", "alpha_ci_low", "alpha_ci_high",
                                 "omega_total", "rater", "instrument"]].assign(wave=lambda d: d["wave"].astype(str)) \
        .reset_index(drop=True)

    primary = data.primary_scale
    earlier, later = COMPARISONS[coh.comparisons[0]]
    flow = collect_warnings(notes, "attrition", lambda: oc.attrition(
        scores, data.participants, earlier=earlier, later=later, scale=primary))
    level2 = [s for s in info.index if info.loc[s, "kirkpatrick_level"] == 2]
    baseline = collect_warnings(notes, "attrition", lambda: pd.concat(
        [oc.baseline_comparison(scores, scale=s, earlier=earlier, later=later, confidence_level=level)
         for s in level2], ignore_index=True))
    tables["attrition"] = pd.concat(
        [flow.assign(section="flow"), baseline.assign(section="baseline_comparison")], ignore_index=True
    )
    cols = ["section"] + [c for c in tables["attrition"].columns if c != "section"]
    tables["attrition"] = tables["attrition"][cols]
    if len(coh.waves) >= 3:
        modelled = [w for w in coh.waves if w != "then"]
        if len(modelled) >= 3:
            tables["mixed_model"] = collect_warnings(notes, "mixed_model", lambda: oc.mixed_model(
                scores, waves=modelled, confidence_level=level))
    if "then" in coh.waves:
        tables["response_shift"] = collect_warnings(notes, "response_shift", lambda: oc.response_shift(
            scores, confidence_level=level))
    once = [s for s in info.index if len({w for w in scores.loc[scores["scale"] == s, "wave"]}) == 1]
    if once:
        rows = scores[scores["scale"].isin(once)].dropna(subset=["score"])
        tables["reaction"] = (rows.groupby(["scale", "wave", "rater"], sort=True)["score"]
                              .agg(n="count", mean="mean", sd="std").reset_index())
    tables["breakdowns"] = collect_warnings(notes, "breakdowns", lambda: _breakdowns(
        data, coh.comparisons[0], coh.disclosure_threshold, level, notes))
    tables["notes"] = pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates()
    return tables


def _finding(id_, statement, value, lo, hi, unit, table) -> dict:
    def num(x):
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)
    return {"id": id_, "statement": statement, "value": num(value), "ci_low": num(lo), "ci_high": num(hi),
            "unit": unit, "table": table}


def outcome_findings(tables: dict[str, pd.DataFrame], data: CohortData) -> list[dict]:
    """The headline findings of the outcomes report, with stable ids.

    Ids: ``outcomes.<comparison>.<rater>.<scale>.mean_change`` and ``...d_z`` for every row of
    the outcomes table; ``outcomes.<comparison>.<rater>.<scale>.reliably_improved`` for the
    primary scale; ``attrition.scored_both``; ``response_shift.<scale>`` for the primary scale.
    """
    titles = data.titles
    pct = int(round(data.cohort.confidence_level * 100))
    low, high = data.instruments[next(iter(data.instruments))].response_range
    out = []
    for row in tables["outcomes"].itertuples(index=False):
        key = f"outcomes.{row.comparison}.{row.rater}.{row.scale}"
        who = "self-rated" if row.rater == "self" else f"rated by {row.rater.replace('_', ' ')}s"
        waves = row.comparison.replace("_", " to ").replace("follow up", "follow-up")
        out.append(_finding(
            f"{key}.mean_change",
            f"{titles.get(row.scale, row.scale)} ({who}) changed by {row.mean_change:+.2f} points from {waves} "
            f"({pct}% CI {row.change_ci_low:+.2f} to {row.change_ci_high:+.2f}; n = {row.n_pairs}).",
            row.mean_change, row.change_ci_low, row.change_ci_high, f"scale points ({low:g}-{high:g})", "outcomes",
        ))
        out.append(_finding(
            f"{key}.d_z",
            f"Standardised change (d_z) in {titles.get(row.scale, row.scale)} ({who}), {waves}: {row.d_z:.2f} "
            f"({pct}% CI {row.d_z_ci_low:.2f} to {row.d_z_ci_high:.2f}).",
            row.d_z, row.d_z_ci_low, row.d_z_ci_high, "d_z (mean change / SD of change)", "outcomes",
        ))
        if row.scale == data.primary_scale and row.rater == "self" and not pd.isna(row.rci_improved):
            out.append(_finding(
                f"{key}.reliably_improved",
                f"{row.rci_improved:.0%} of participants with both scores reliably improved on "
                f"{titles.get(row.scale, row.scale)} ({waves}); {row.rci_deteriorated:.0%} reliably deteriorated.",
                row.rci_improved, None, None, "share of participants", "outcomes",
            ))
    flow = tables["attrition"]
    flow = flow[flow["section"] == "flow"].set_index("stage")
    if "scored_both" in flow.index:
        n, share = flow.loc["scored_both", "n"], flow.loc["scored_both", "share_of_enrolled"]
        out.append(_finding(
            "attrition.scored_both",
            f"{int(n)} of {int(flow.loc['enrolled', 'n'])} enrolled participants ({share:.0%}) have scores at both "
            "waves of the main comparison.",
            share, None, None, "share of enrolled", "attrition",
        ))
    shift = tables.get("response_shift")
    if shift is not None and len(shift):
        row = shift[(shift["scale"] == data.primary_scale) & (shift["rater"] == "self")]
        if len(row):
            r = row.iloc[0]
            out.append(_finding(
                f"response_shift.{data.primary_scale}",
                f"Response shift on {titles.get(data.primary_scale)}: the pre-test minus the retrospective "
                f"then-test is {r['mean_shift']:+.2f} points ({pct}% CI {r['ci_low']:+.2f} to {r['ci_high']:+.2f}).",
                r["mean_shift"], r["ci_low"], r["ci_high"], f"scale points ({low:g}-{high:g})", "response_shift",
            ))
    return out


def _fmt_ci(lo: float, hi: float) -> str:
    return f"{lo:+.2f} to {hi:+.2f}"


def outcome_summary(tables: dict[str, pd.DataFrame], data: CohortData) -> str:
    """The plain-language summary for commissioners (Markdown)."""
    coh, titles = data.cohort, data.titles
    pct = int(round(coh.confidence_level * 100))
    out = tables["outcomes"]
    first = coh.comparisons[0]
    earlier, later = COMPARISONS[first]
    flow = tables["attrition"]
    flow = flow[flow["section"] == "flow"].set_index("stage")["n"]
    lines = [
        f"## Summary for commissioners: {data.programme.title}, cohort {coh.cohort}"
        + (f" ({coh.year})" if coh.year else ""),
        "",
        f"**Who took part.** {int(flow.get('enrolled', 0))} people enrolled and "
        f"{int(flow.get('completed_programme', 0))} completed the programme; "
        f"{int(flow.get('scored_both', 0))} have questionnaire scores both {earlier.replace('_', '-')} and "
        f"{later.replace('_', '-')}, and the results below are about them.",
        "",
    ]
    self_rows = out[(out["comparison"] == first) & (out["rater"] == "self") & (out["kirkpatrick_level"] == 2)]
    sig = self_rows[self_rows["p_adjusted"] < 1 - coh.confidence_level].sort_values("d_z", ascending=False)
    flat = self_rows[~(self_rows["p_adjusted"] < 1 - coh.confidence_level)]
    lines.append("**What changed (self-assessment).** ")
    if len(sig):
        lines[-1] += "Participants rated themselves higher after the programme on: " + "; ".join(
            f"{titles.get(r.scale, r.scale).lower()} ({r.mean_change:+.2f} points on a 1-5 scale, "
            f"{pct}% CI {_fmt_ci(r.change_ci_low, r.change_ci_high)}; d_z = {r.d_z:.2f})"
            for r in sig.itertuples()) + "."
    if len(flat):
        lines[-1] += " There was no clear change in " + ", ".join(
            titles.get(s, s).lower() for s in flat["scale"]) + \
            " (the confidence interval includes no change, after adjusting for testing several scales)."
    lm = out[(out["comparison"] == first) & (out["rater"] != "self")]
    if len(lm):
        lines += ["", "**What line managers saw.** " + "; ".join(
            f"{titles.get(r.scale, r.scale)}: {r.mean_change:+.2f} points ({pct}% CI "
            f"{_fmt_ci(r.change_ci_low, r.change_ci_high)}, n = {r.n_pairs})" for r in lm.itertuples()) + ". "
            "Change seen by others is the stronger evidence that behaviour at work changed (Kirkpatrick level 3)."]
    primary = data.primary_scale
    prow = self_rows[self_rows["scale"] == primary]
    if len(prow) and not pd.isna(prow["rci_improved"].iloc[0]):
        r = prow.iloc[0]
        lines += ["", f"**How many changed reliably.** On {titles.get(primary, primary).lower()}, "
                  f"{r['rci_improved']:.0%} of participants improved by more than measurement error alone would "
                  f"explain, {r['rci_deteriorated']:.0%} deteriorated and {r['rci_unchanged']:.0%} showed no "
                  f"reliable change (Jacobson & Truax reliable change index, reliability {r['reliability']:.2f})."]
    shift = tables.get("response_shift")
    if shift is not None and len(shift):
        row = shift[(shift["scale"] == primary) & (shift["rater"] == "self")]
        if len(row):
            r = row.iloc[0]
            lines += ["", "**Hindsight.** Asked after the programme to rate themselves as they had been before it "
                      f"(the 'then-test'), participants scored {titles.get(primary, primary).lower()} "
                      f"{abs(r['mean_shift']):.2f} points {'lower' if r['mean_shift'] > 0 else 'higher'} than they "
                      "had at the time, so change measured against the then-test is "
                      f"{'larger' if r['mean_shift'] > 0 else 'smaller'} than change from the original pre-test."]
    base = tables["attrition"]
    base = base[(base["section"] == "baseline_comparison") & (base["scale"] == primary)]
    if len(base):
        b = base.iloc[0]
        selective = b["p_value"] < 0.05
        lines += ["", f"**Who dropped out.** {int(b['n_without_later'])} people with a {earlier.replace('_', '-')} "
                  f"score have no {later.replace('_', '-')} score. They started "
                  f"{abs(b['mean_difference']):.2f} points {'lower' if b['mean_difference'] > 0 else 'higher'} on "
                  f"{titles.get(primary, primary).lower()} than those who stayed"
                  + (" (a difference unlikely to be chance): results for completers may flatter the programme."
                     if selective else ", a difference that could be chance.")]
    lines += [
        "",
        f"**How sure we are.** Ranges are {pct}% confidence intervals; p-values are adjusted for testing "
        f"several scales ({ {'holm': 'Holm', 'bh': 'Benjamini-Hochberg', 'none': 'no adjustment'}[coh.multiplicity] }).",
        "",
        f"**Limits of the design.** {DESIGN_LABEL} Self-ratings can move because people's standards change "
        "(see the then-test), and people who left the programme are not in the before-and-after comparison.",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------------- publishing


class Publisher:
    """Writes a report's tables, figures and findings, and displays them in the notebook.

    Parameters
    ----------
    output_dir : path or None
        The report folder (``tables/``, ``figures/`` and ``findings/`` are created in it). None:
        display only (interactive exploration).
    notebook : str
        The notebook's name, used for its findings file.
    """

    def __init__(self, output_dir: Path | str | None, *, notebook: str):
        self.output_dir = Path(output_dir) if output_dir else None
        self.notebook = notebook

    def table(self, name: str, frame: pd.DataFrame, *, display: bool = True, precision: int = 3) -> pd.DataFrame:
        """Write ``tables/<name>.csv`` and display the table rounded to ``precision`` decimals."""
        if self.output_dir is not None:
            path = self.output_dir / "tables" / f"{name}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_csv(frame, path)
        if display:
            show_table(frame, precision)
        return frame

    def figure(self, plot, name: str) -> None:
        """Save ``figures/<name>.png`` and display it with its alternative text."""
        import io as _io

        buffer = _io.BytesIO()
        plot.figure.savefig(buffer, format="png", metadata={"Software": None})
        png = buffer.getvalue()
        if self.output_dir is not None:
            write_bytes(png, self.output_dir / "figures" / f"{name}.png")
        from IPython.display import Image, display

        display(Image(data=png, format="png", metadata={"alt": plot.alt}))

    def findings(self, findings: list[dict]) -> None:
        """Write ``findings/<notebook>.json`` (merged into ``findings.json`` by the pipeline)."""
        if self.output_dir is not None:
            path = self.output_dir / "findings" / f"{self.notebook}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_json(findings, path)


def show_table(
    frame: pd.DataFrame,
    precision: int = 3,
    *,
    columns: list[str] | None = None,
    titles: dict[str, str] | None = None,
) -> None:
    """Display a table as plain HTML for the report.

    No index; missing and suppressed values as –; p-values below 0.001 as "<0.001"; only
    ``columns`` when given; the ``scale`` column shown by its title when ``titles`` is given.
    Display only: the published CSV keeps full precision and the original names.
    """
    from IPython.display import HTML, display

    shown = frame[columns].copy() if columns else frame.copy()
    if titles and "scale" in shown:
        shown["scale"] = shown["scale"].map(lambda s: titles.get(s, s))
    formatters = {}
    for column in shown.columns:
        if pd.api.types.is_integer_dtype(shown[column]):
            formatters[column] = lambda x: "–" if pd.isna(x) else f"{int(x)}"
            continue
        if not pd.api.types.is_float_dtype(shown[column]):
            continue
        if column.startswith("p_") or column.endswith("_p") or column == "p_value":
            formatters[column] = lambda x: "–" if pd.isna(x) else ("<0.001" if x < 0.001 else f"{x:.3f}")
        elif shown[column].dropna().eq(shown[column].dropna().round()).all() and column.startswith("n"):
            formatters[column] = lambda x: "–" if pd.isna(x) else f"{x:.0f}"
        else:
            formatters[column] = lambda x, p=precision: "–" if pd.isna(x) else f"{x:.{p}f}"
    html = shown.to_html(index=False, na_rep="–", formatters=formatters, border=0, classes="evaluation-table")
    display(HTML(html))
