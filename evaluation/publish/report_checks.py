"""Comparing a published report with what re-derives it: the manifest field by field, and the
findings value by value (used by :mod:`evaluation.publish.verify` for every kind of report)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from evaluation.publish.notebook_check import VerifyResult

__all__ = ["TOLERANCE", "VOLATILE_MANIFEST_FIELDS", "compare_findings", "compare_manifest"]

#: Relative tolerance when comparing re-derived finding values (reports are deterministic; this
#: only absorbs the last bit of floating-point formatting).
TOLERANCE = 1e-12
#: Manifest fields that legitimately differ between two builds of the same report: when it was
#: built. Not compared; the rebuild reuses the published ``started_at`` for the HTML footer's date.
VOLATILE_MANIFEST_FIELDS = ("started_at", "finished_at")


def _same_number(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _flatten(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted key, value)`` for every leaf of a manifest; a list of records with a ``path``
    is keyed by it (``outputs[tables/outcomes.csv].sha256``), a list of plain values is a leaf."""
    if isinstance(value, dict) and value:
        for name in sorted(value):
            yield from _flatten(value[name], f"{key}.{name}" if key else str(name))
    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            label = str(item.get("path", index)) if isinstance(item, dict) else str(index)
            seen[label] = seen.get(label, 0) + 1
            label += f" (again, {seen[label]})" if seen[label] > 1 else ""
            rest = {k: v for k, v in item.items() if k != "path"} if isinstance(item, dict) else item
            yield from _flatten(rest, f"{key}[{label}]")
    else:
        yield key, value


def _shown(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return value[:12] + "…"
    return repr(value)


def _is_notebook_hash(key: str) -> bool:
    return key.startswith("outputs[") and key.endswith(".ipynb].sha256")


def compare_manifest(result: VerifyResult, published: dict, rebuilt: dict,
                     files: Mapping[str, str] | None = None) -> None:
    """Every field of the published manifest against the rebuild's, but the volatile ones.

    ``files``: the SHA-256 of each published file as it is now (by its path in the report
    folder). A file is reproduced only when the rebuild gives the file itself, not only the
    SHA-256 its manifest records: a file edited without its manifest is named here too. A file
    missing from the folder gets no line here (the files check names it).
    """
    pub = dict(_flatten({k: v for k, v in published.items() if k not in VOLATILE_MANIFEST_FIELDS}))
    new = dict(_flatten({k: v for k, v in rebuilt.items() if k not in VOLATILE_MANIFEST_FIELDS}))
    keys = sorted(k for k in set(pub) | set(new) if not _is_notebook_hash(k))
    bad = 0
    for key in keys:
        output = re.fullmatch(r"outputs\[(.+)\]\.sha256", key)
        if key in pub and key in new and pub[key] == new[key]:
            if not output:
                continue
            if files is None or files.get(output[1]) == new[key]:
                result.passed(f"file {output[1]}: reproduced byte for byte by the rebuild")
            elif output[1] in files:
                result.failed(f"file {output[1]}: not reproduced by the rebuild (published file SHA-256 "
                              f"{_shown(files[output[1]])}, rebuilt {_shown(new[key])}, as the manifest records)")
            continue
        bad += 1
        if output and key in pub and key in new:
            result.failed(f"file {output[1]}: not reproduced by the rebuild (manifest SHA-256 {_shown(pub[key])}, "
                          f"rebuilt {_shown(new[key])})")
        elif key not in new:
            result.failed(f"manifest {key}: published {_shown(pub[key])}, not produced by the rebuild")
        elif key not in pub:
            result.failed(f"manifest {key}: missing from the published manifest (the rebuild gives {_shown(new[key])})")
        else:
            result.failed(f"manifest {key}: published {_shown(pub[key])}, rebuilt {_shown(new[key])}")
    if not bad:
        result.passed(f"manifest: all {len(keys)} fields re-derived by the rebuild (not compared: "
                      f"{', '.join(VOLATILE_MANIFEST_FIELDS)}; the notebooks' SHA-256, compared cell by cell)")


def _said(value: Any) -> str:
    """A finding's field as a verdict line gives it: ``repr``, but ``no value`` for ``None``."""
    return "no value" if value is None else repr(value)


def compare_findings(result: VerifyResult, published: list[dict], derived: list[dict]) -> None:
    by_id = {f["id"]: f for f in derived}
    for finding in published:
        again = by_id.pop(finding["id"], None)
        if again is None:
            result.failed(f"finding {finding['id']}: not re-derived by the package (published but unknown)")
            continue
        diffs = [key for key in ("value", "ci_low", "ci_high") if not _same_number(finding.get(key), again.get(key))]
        diffs += [key for key in ("statement", "unit", "table") if finding.get(key) != again.get(key)]
        if diffs:
            shown = "; ".join(f"{k}: published {_said(finding.get(k))}, re-derived {_said(again.get(k))}" for k in diffs)
            result.failed(f"finding {finding['id']}: {shown}")
        elif finding.get("value") is None:  # not 'value None': a finding of a statistic not computed
            result.passed(f"finding {finding['id']}: re-derived with no value, as published")
        else:
            result.passed(f"finding {finding['id']}: re-derived value {finding['value']!r} matches")
    for missing in by_id:
        result.failed(f"finding {missing}: re-derived but missing from findings.json")
