"""How scoring, reliability and the outcome statistics scale with the number of participants.

Usage: .venv/bin/python benchmarks/bench_scale.py [--participants 1000 10000 50000]

Builds seeded long-format responses for the shipped `leadership-practice` instrument (33 items,
4 waves) for N participants and times each stage (minimum of 3 runs). Prints a JSON list.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def responses_for(n: int, items: pd.DataFrame, waves: list[str], seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.array([f"p{i:07d}" for i in range(n)])
    k, w = len(items), len(waves)
    latent = rng.normal(3.2, 0.6, size=(n, 1, 1)) + np.arange(w).reshape(1, w, 1) * 0.15
    values = np.clip(np.rint(latent + rng.normal(0, 0.8, size=(n, w, k))), 1, 5)
    reverse = items["reverse"].to_numpy()
    values[:, :, reverse] = 6 - values[:, :, reverse]
    values[rng.random(values.shape) < 0.03] = np.nan
    return pd.DataFrame({
        "participant_id": np.repeat(ids, w * k),
        "cohort": 1,
        "wave": np.tile(np.repeat(waves, k), n),
        "rater": "self",
        "instrument": "leadership-practice",
        "item": np.tile(items["item"].to_numpy(), n * w),
        "value": values.reshape(-1),
    })


def timed(func, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, nargs="+", default=[1000, 10000, 50000])
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from evaluation.data import scoring
    from evaluation.data.params import item_map, load_instrument
    from evaluation.stats import outcomes

    items = item_map([load_instrument(ROOT / "params", "leadership-practice")])
    waves = ["pre", "then", "post", "follow_up"]
    rows = []
    for n in args.participants:
        responses = responses_for(n, items, waves)
        scores = scoring.score_scales(responses, items)
        row = {"participants": n, "responses": len(responses)}
        row["score_scales"] = timed(lambda r=responses: scoring.score_scales(r, items))
        row["reliability"] = timed(lambda r=responses: scoring.reliability(r, items, by=("cohort", "wave", "rater")))
        row["outcomes_table"] = timed(lambda s=scores: outcomes.outcomes_table(
            s, comparisons=["pre_post", "then_post", "pre_follow_up"], reliability=0.8))
        row["mixed_model"] = timed(lambda s=scores: outcomes.mixed_model(s, waves=["pre", "post", "follow_up"]), 1)
        rows.append(row)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
