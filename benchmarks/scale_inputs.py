"""Seeded inputs of national size for reliability, response shift and the mixed model (issue 13).

Builds, with numpy only (no ingest), the two long-format frames those steps receive:

* :func:`recoded_answers` — recoded item answers as :func:`evaluation.data.scoring.recode`
  passes them to :func:`evaluation.stats.reliability.reliability_table` (one row per
  participant × wave × rater × item answered, ``value_recoded`` NaN for a skipped item);
* :func:`scale_scores` — scale scores as ``scale_scores.parquet`` holds them (one row per
  participant × scale × wave × rater).

The shipped instruments of leading-to-deliver: 29 self-rated items (6 scales) at pre, then,
post and follow-up, 12 line-manager items (3 scales) at pre and post, 5 reaction items at
post; waves are missed at random (attrition) and 2% of items are skipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: (instrument, scale, number of items, waves, rater)
SCALES = (
    ("leadership-practice", "empowering_others", 4, ("pre", "then", "post", "follow_up"), "self"),
    (
        "leadership-practice",
        "governance_accountability",
        4,
        ("pre", "then", "post", "follow_up"),
        "self",
    ),
    ("leadership-practice", "leading_change", 5, ("pre", "then", "post", "follow_up"), "self"),
    ("leadership-practice", "partnership_working", 5, ("pre", "then", "post", "follow_up"), "self"),
    ("leadership-practice", "reflective_practice", 6, ("pre", "then", "post", "follow_up"), "self"),
    ("leadership-practice", "vision_direction", 5, ("pre", "then", "post", "follow_up"), "self"),
    ("programme-reaction", "reaction", 5, ("post",), "self"),
    ("workplace-behaviour", "observed_empowering_others", 4, ("pre", "post"), "line_manager"),
    ("workplace-behaviour", "observed_leading_change", 4, ("pre", "post"), "line_manager"),
    ("workplace-behaviour", "observed_partnership_working", 4, ("pre", "post"), "line_manager"),
)
#: Probability of answering at each wave (self) and for the line manager.
PRESENT = {
    ("pre", "self"): 1.0,
    ("then", "self"): 0.9,
    ("post", "self"): 0.85,
    ("follow_up", "self"): 0.7,
    ("pre", "line_manager"): 0.8,
    ("post", "line_manager"): 0.7,
}
WAVE_SHIFT = {"pre": 0.0, "then": -0.2, "post": 0.35, "follow_up": 0.3}


def _item(scale: str, j: int) -> str:
    return "".join(word[0] for word in scale.split("_")) + str(j + 1)  # vision_direction → vd1


def item_map() -> pd.DataFrame:
    """The item map of :data:`SCALES` (columns as :func:`evaluation.data.params.item_map`)."""
    rows = []
    for instrument, scale, k, waves, rater in SCALES:
        for j in range(k):
            rows.append(
                {
                    "instrument": instrument,
                    "scale": scale,
                    "item": _item(scale, j),
                    "reverse": j == k - 1 and k > 4,
                    "low": 1.0,
                    "high": 5.0,
                    "min_answered": 0.75,
                    "higher_is_better": True,
                    "kirkpatrick_level": 3 if rater == "line_manager" else 2,
                    "waves": ",".join(waves),
                    "raters": rater,
                }
            )
    return pd.DataFrame(rows)


def _present(rng: np.random.Generator, n: int) -> dict[tuple[str, str], np.ndarray]:
    return {key: rng.random(n) < p for key, p in PRESENT.items()}


def _ids(n: int) -> np.ndarray:
    return np.char.add("LTD-2004-", np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(
        object
    )


def _column(codes: np.ndarray, categories: list[str] | np.ndarray, categorical: bool) -> object:
    column = pd.Categorical.from_codes(codes, categories=categories)
    return column if categorical else pd.array(column.astype(object), dtype="str")


def recoded_answers(n: int, *, seed: int = 13, categorical: bool = False) -> pd.DataFrame:
    """Recoded long-format answers of ``n`` participants (columns used by reliability_table).

    Built from integer codes (no Python string per row), so that a million participants fit
    in memory: keys are categorical with ``categorical``, text (pandas ``str``) otherwise.
    """
    rng = np.random.default_rng(seed)
    present = _present(rng, n)
    names = {"wave": ["pre", "then", "post", "follow_up"], "rater": ["self", "line_manager"],
             "instrument": sorted({s[0] for s in SCALES}), "scale": [s[1] for s in SCALES],
             "item": [_item(s[1], j) for s in SCALES for j in range(s[2])]}  # fmt: skip
    parts: dict[str, list[np.ndarray]] = {c: [] for c in ("pid", *names, "v")}
    first_item = 0
    for instrument, scale, k, waves, rater in SCALES:
        trait = rng.normal(3.3, 0.6, n)
        for wave in waves:
            who = np.flatnonzero(present.get((wave, rater), np.ones(n, bool)))
            true = trait[who] + WAVE_SHIFT[wave]
            v = np.clip(np.rint(true[:, None] + rng.normal(0, 0.7, (who.size, k))), 1, 5)
            v[rng.random(v.shape) < 0.02] = np.nan
            size = who.size * k
            parts["pid"].append(np.repeat(who, k).astype(np.int32))
            for col, value in (("wave", wave), ("rater", rater), ("instrument", instrument),
                               ("scale", scale)):  # fmt: skip
                parts[col].append(np.full(size, names[col].index(value), dtype=np.int8))
            parts["item"].append(np.tile(np.arange(first_item, first_item + k, dtype=np.int8),
                                         who.size))  # fmt: skip
            parts["v"].append(v.reshape(-1))
        first_item += k
    pid = np.concatenate(parts.pop("pid"))
    order = np.argsort(pid, kind="stable")  # participant-major, as ingest's canonical sort
    frame: dict[str, object] = {"participant_id": _column(pid[order], _ids(n), categorical)}
    del pid
    frame["cohort"] = np.full(order.size, 2)
    for col in names:
        frame[col] = _column(np.concatenate(parts.pop(col))[order], names[col], categorical)
    frame["value_recoded"] = np.concatenate(parts.pop("v"))[order]
    return pd.DataFrame(frame)


def _as(values: np.ndarray, categorical: bool) -> object:
    return pd.Categorical(values) if categorical else pd.array(values, dtype="str")


def scale_scores(n: int, *, seed: int = 13, categorical: bool = False) -> pd.DataFrame:
    """Scale scores of ``n`` participants: ``participant_id, cohort, scale, wave, rater, score``."""
    rng = np.random.default_rng(seed)
    present = _present(rng, n)
    ids = _ids(n)
    pid, cols, score = [], {c: [] for c in ("scale", "wave", "rater")}, []
    for _, scale, k, waves, rater in SCALES:
        trait = rng.normal(3.3, 0.6, n)
        for wave in waves:
            who = np.flatnonzero(present.get((wave, rater), np.ones(n, bool)))
            s = np.rint((trait[who] + WAVE_SHIFT[wave] + rng.normal(0, 0.5, who.size)) * k) / k
            s[rng.random(who.size) < 0.01] = np.nan
            pid.append(who)
            score.append(np.clip(s, 1, 5))
            for col, val in (("scale", scale), ("wave", wave), ("rater", rater)):
                cols[col].append(np.full(who.size, val, dtype=object))
    p = np.concatenate(pid)
    order = np.argsort(p, kind="stable")
    frame = {"participant_id": _as(ids[p[order]], categorical), "cohort": np.full(p.size, 2)}
    for col, values in cols.items():
        frame[col] = _as(np.concatenate(values)[order], categorical)
    frame["score"] = np.concatenate(score)[order]
    return pd.DataFrame(frame)
