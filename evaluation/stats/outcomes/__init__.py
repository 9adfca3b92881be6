"""Pre/post change: paired tests, effect sizes, reliable change, multiplicity, mixed models.

The conventions are those of ``METHODS.md`` ("Pre/post change"); every index is named by what it
is (``d_z``, ``d_av``, ``g_av``, ``d_rm``), never "paired Cohen's d". In short:

* change = later − earlier (positive = higher at the later wave), complete pairs only,
  two-sided tests, sample SDs (ddof = 1), no rounding;
* paired t with the CI of the mean change from t(n − 1);
* Wilcoxon signed-rank as R's ``wilcox.test(paired = TRUE)`` (W+; exact or normal with tie
  correction and continuity correction 0.5);
* d_z with an exact noncentral-t CI, d_av and g_av (Lakens 2013) with a percentile-bootstrap
  interval over pairs, d_rm;
* the reliable change index of Jacobson & Truax (1991);
* Holm (default) or Benjamini–Hochberg adjustment across a report's scales;
* a linear mixed model (REML, random intercept per participant, as lme4 with lmerTest's
  Satterthwaite df) for three or more waves, keeping participants with a missing wave;
* attrition flow and the baseline comparison of those with and without a later score.

The modules, one statistical idea each:

* :mod:`~evaluation.stats.outcomes.paired` — :func:`paired_change` (paired t, Wilcoxon
  signed-rank, d_z with its noncentral-t CI, d_av, g_av, d_rm; two-sided or one-sided);
* :mod:`~evaluation.stats.outcomes.reliable_change` — :func:`reliable_change`,
  :func:`reliable_change_by_person` (Jacobson & Truax);
* :mod:`~evaluation.stats.outcomes.multiplicity` — :func:`adjust_p` (Holm, Benjamini–Hochberg,
  by statsmodels);
* :mod:`~evaluation.stats.outcomes.effect_size` — :func:`g_av_interval` (seeded percentile
  bootstrap over pairs), :func:`size_word` (Cohen's small / medium / large);
* :mod:`~evaluation.stats.outcomes.table` — :func:`outcomes_table`;
* :mod:`~evaluation.stats.outcomes.pairs` — :func:`complete_pairs` and :func:`paired_scores`
  (the complete pairs of every scale × rater at two waves, found on integer codes);
* :func:`prepare_scores` checks and converts long-format scores once (identifiers as sorted
  categories); :func:`outcomes_table`, :func:`baseline_comparison` and the others take its
  :class:`PreparedScores` in place of the DataFrame, so a report checks its scores once;
* :mod:`~evaluation.stats.outcomes.response_shift` — :func:`response_shift`;
* :mod:`~evaluation.stats.outcomes.mixed_model` — :func:`mixed_model`;
* :mod:`~evaluation.stats.outcomes.random_intercept` — :func:`fit_random_intercept` (the REML
  random-intercept fit, vectorised over participants, lme4 SEs, Satterthwaite df);
* :mod:`~evaluation.stats.outcomes.attrition` — :func:`attrition`, :func:`baseline_comparison`;
* :mod:`~evaluation.stats.outcomes.comparison_group` — :func:`comparison_group_change`
  (difference-in-differences of mean change, Welch and pooled; Morris's d_ppc2 with its eq. 25
  interval);
* :mod:`~evaluation.stats.outcomes.d_ppc2` — :func:`d_ppc2_from_summary` (d_ppc2 from group
  summaries, as from a published table).

Scores come in long format: one row per participant × scale × wave × rater with the columns
``participant_id, scale, wave, rater, score`` (extra columns are ignored; a missing ``rater``
column means every score is a self-rating). Data that make a statistic impossible (fewer than
two pairs, no variance, no answers) give NaN and a
:class:`~evaluation.core.errors.DegenerateDataWarning` that says which statistic and why; never a
crash and never a silent zero.
"""

from __future__ import annotations

from evaluation.stats.outcomes._common import SCORE_COLUMNS, PreparedScores, prepare_scores
from evaluation.stats.outcomes.attrition import ATTRITION_STAGES, attrition, baseline_comparison
from evaluation.stats.outcomes.comparison_group import (
    COMPARISON_GROUP_COLUMNS,
    ComparisonGroupChange,
    comparison_group_change,
)
from evaluation.stats.outcomes.d_ppc2 import DPpc2, d_ppc2_from_summary
from evaluation.stats.outcomes.effect_size import GAvInterval, g_av_interval, size_word
from evaluation.stats.outcomes.mixed_model import MIXED_MODEL_COLUMNS, mixed_model
from evaluation.stats.outcomes.multiplicity import adjust_p
from evaluation.stats.outcomes.paired import (
    ALTERNATIVES,
    TIE_DECIMALS,
    WILCOXON_EXACT_MAX_N,
    PairedChange,
    paired_change,
)
from evaluation.stats.outcomes.pairs import CompletePairs, complete_pairs, paired_scores
from evaluation.stats.outcomes.random_intercept import RandomInterceptFit, fit_random_intercept
from evaluation.stats.outcomes.reliable_change import (
    RCI_CRITERION,
    ReliableChange,
    reliable_change,
    reliable_change_by_person,
)
from evaluation.stats.outcomes.response_shift import response_shift
from evaluation.stats.outcomes.table import OUTCOME_COLUMNS, outcomes_table

__all__ = [
    "ALTERNATIVES",
    "ATTRITION_STAGES",
    "COMPARISON_GROUP_COLUMNS",
    "MIXED_MODEL_COLUMNS",
    "OUTCOME_COLUMNS",
    "RCI_CRITERION",
    "SCORE_COLUMNS",
    "TIE_DECIMALS",
    "WILCOXON_EXACT_MAX_N",
    "ComparisonGroupChange",
    "CompletePairs",
    "DPpc2",
    "GAvInterval",
    "PairedChange",
    "PreparedScores",
    "RandomInterceptFit",
    "ReliableChange",
    "adjust_p",
    "attrition",
    "baseline_comparison",
    "comparison_group_change",
    "complete_pairs",
    "d_ppc2_from_summary",
    "fit_random_intercept",
    "g_av_interval",
    "mixed_model",
    "outcomes_table",
    "paired_change",
    "paired_scores",
    "prepare_scores",
    "reliable_change",
    "reliable_change_by_person",
    "response_shift",
    "size_word",
]
