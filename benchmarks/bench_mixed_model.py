"""Time the random-intercept REML fit (lme4's estimator, vectorised) beside statsmodels MixedLM.

Usage: .venv/bin/python benchmarks/bench_mixed_model.py [--participants 1000 10000 100000]
       [--statsmodels-up-to 10000]

One scale, four waves (wave as a factor, reference ``pre``), a seeded random intercept
(σ_b = 0.5, σ = 0.6) and 10% of scores missing at random. For each size: the fit on arrays
(``fit_random_intercept``), the report path from long format (``mixed_model``, one scale ×
rater) and, up to ``--statsmodels-up-to``, statsmodels ``MixedLM(...).fit(reml=True)`` with the
largest difference of the estimates. Minimum of 3 runs (1 for statsmodels). Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
import pandas as pd

WAVES = ["pre", "post", "follow_up", "late"]


def long_scores(n: int, seed: int = 13) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(n), len(WAVES))
    wave = np.tile(np.arange(len(WAVES)), n)
    score = 3.2 + 0.15 * wave + rng.normal(0, 0.5, n)[person] + rng.normal(0, 0.6, person.size)
    keep = rng.random(person.size) >= 0.10
    return pd.DataFrame({
        "participant_id": pd.Categorical(np.char.add("p", person[keep].astype(str))),
        "scale": "s", "rater": "self", "wave": np.asarray(WAVES)[wave[keep]], "score": score[keep],
    })  # fmt: skip


def timed(func, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return round(best, 4), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--statsmodels-up-to", type=int, default=10000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from evaluation.stats.outcomes import fit_random_intercept, mixed_model

    for n in args.participants:
        scores = long_scores(n)
        y = scores["score"].to_numpy()
        x = np.column_stack([np.ones(len(scores))] + [(scores["wave"] == w).to_numpy(float) for w in WAVES[1:]])
        groups = scores["participant_id"].cat.codes.to_numpy()
        row: dict[str, object] = {"participants": n, "observations": len(scores)}
        row["fit_random_intercept_s"], ours = timed(lambda y=y, x=x, g=groups: fit_random_intercept(y, x, g))
        row["mixed_model_s"], _ = timed(lambda s=scores: mixed_model(s, waves=WAVES))
        if n <= args.statsmodels_up_to:
            from statsmodels.regression.mixed_linear_model import MixedLM

            row["statsmodels_mixedlm_s"], theirs = timed(
                lambda y=y, x=x, g=groups: MixedLM(y, x, groups=g).fit(reml=True), 1
            )
            row["max_abs_estimate_difference"] = float(np.max(np.abs(ours.estimate - theirs.fe_params)))
            row["max_rel_se_difference"] = float(np.max(np.abs(ours.se / theirs.bse_fe - 1)))
            row["speed_ratio"] = round(row["statsmodels_mixedlm_s"] / row["fit_random_intercept_s"], 1)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
