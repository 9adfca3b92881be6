# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Cohort evaluation: pre/post outcomes
#
# This report describes how the participants of one cohort of a leadership programme changed
# between the questionnaires they answered before and after it, how many changed reliably,
# who dropped out, and for which groups. It is produced by the evaluation workbench from the
# cohort's data and parameters; every number in it is also in `tables/` and `findings.json`.

# %% tags=["parameters"]
programme = "leading-to-deliver"
cohort = 2
data_dir = ""  # empty: the repository's data/
params_dir = ""  # empty: the repository's params/
output_dir = ""  # empty: display only; "." (as `evaluate` runs it): write tables, figures, findings here

# %%
from IPython.display import Markdown, display

from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import load_cohort_data, scale_info
from evaluation.publish.publisher import Publisher
from evaluation.reports import comparison_group as comparison
from evaluation.reports import outcome_report as report
from evaluation.reports.display import show_table
from evaluation.reports.glossary import glossary_markdown, link_terms, report_terms
from evaluation.viz import outcome_plots as plots

data = load_cohort_data(programme, cohort, data_dir=data_dir or None, params_dir=params_dir or None)
tables = report.outcome_tables(data)
publish = Publisher(output_dir or None, notebook="cohort_evaluation")
titles = data.titles
first = data.cohort.comparisons[0]
terms = comparison.page_terms(report_terms("cohort_evaluation", multiplicity=data.cohort.multiplicity), tables)

# %% tags=["nbval-check-output"]
display(Markdown(link_terms(report.outcome_summary(tables, data), terms)))

# %% [markdown]
# ## Change on each scale
#
# Change = later − earlier, in points on the scale, over the participants who have a score at
# both waves. The adjusted p-value allows for testing several scales at once (Holm's method unless
# the cohort's parameters say otherwise).

# %% tags=["nbval-check-output"]
display(Markdown(report.raters_text(tables["outcomes"])))

# %% [markdown]
# **How large is a change?** The forest plots and the words "small", "medium" and "large" use
# `g_av`: the mean change divided by the average of the standard deviations before and after,
# corrected for small samples (Lakens 2013), with a percentile-bootstrap interval over
# participants (the resamples and seed of the cohort's `bootstrap` parameter). By Cohen's benchmarks 0.2 is
# small, 0.5 medium and 0.8 large. `d_z` (the mean change divided by the standard deviation of
# the changes, with an exact interval) is in the table because it matches the paired t-test,
# but it is not a measure of size to compare with those benchmarks: it grows as the before and
# after scores correlate.

# %%
publish.figure(plots.forest_plot(tables["outcomes"], comparison=first, rater="self", titles=titles,
                                 confidence_level=data.cohort.confidence_level), "forest_self")

# %%
if ((tables["outcomes"]["comparison"] == first) & (tables["outcomes"]["rater"] == "line_manager")).any():
    publish.figure(plots.forest_plot(tables["outcomes"], comparison=first, rater="line_manager", titles=titles,
                                     confidence_level=data.cohort.confidence_level),
                   "forest_line_manager")

# %% tags=["nbval-check-output"]
display(Markdown(report.effect_size_text(tables, data)))

# %% tags=["nbval-check-output"]
publish.table("outcomes", tables["outcomes"], display=False)
show_table(tables["outcomes"], 2, titles=titles, confidence_level=data.cohort.confidence_level, columns=[
    "scale", "comparison", "rater", "n_pairs", "mean_pre", "mean_post", "mean_change", "change_ci_low",
    "change_ci_high", "p_adjusted", "g_av", "g_av_ci_low", "g_av_ci_high", "d_z", "d_z_ci_low", "d_z_ci_high",
    "rci_improved", "rci_deteriorated"])

# %% [markdown]
# ## Individual change
#
# Each line is one participant (scores on a 1–5 scale); the bold line joins the means of everyone
# with scores at both waves. In a cohort of more than 1,000 such participants a panel draws a
# random sample of 1,000 of them (with the cohort's bootstrap seed) and says how many of how many.

# %%
level2 = [s for s, row in scale_info(data).iterrows() if row["kirkpatrick_level"] == 2]
earlier, later = COMPARISONS[first]
publish.figure(plots.paired_change_plot(data.scale_scores, scales=level2, earlier=earlier, later=later,
                                        titles=titles, seed=data.cohort.bootstrap.seed), "paired_change")

# %% [markdown]
# ## Reliable change
#
# A participant *reliably* improved when their change is larger than measurement error alone
# would produce 95 times in 100 (reliable change index above 1.96; Jacobson & Truax 1991).

# %% tags=["nbval-check-output"]
display(Markdown(report.reliability_text(tables["outcomes"], first, titles)))

# %%
publish.figure(plots.reliable_change_chart(tables["outcomes"], comparison=first, titles=titles), "reliable_change")

# %% [markdown]
# ## Response shift: the then-test
#
# A retrospective pre-test, answered after the programme ("how would you have rated yourself
# before it?"), shows how far participants' standards moved: the difference between the
# original pre-test and that then-test.

# %% tags=["nbval-check-output"]
if "response_shift" in tables:
    publish.table("response_shift", tables["response_shift"], display=False)
    display(Markdown('The table below gives that difference. The rows "Then-test → after" of the first table '
                     "give the change judged against the after-programme standard."))
    show_table(tables["response_shift"], 2, titles=titles, confidence_level=data.cohort.confidence_level, columns=[
        "scale", "rater", "n_pairs", "mean_pre", "mean_then", "mean_shift", "ci_low", "ci_high", "p_value", "d_z"])
else:
    display(Markdown("*This cohort did not answer a then-test, so no shift can be estimated.*"))

# %% [markdown]
# ## Three or more waves: mixed model
#
# With a follow-up, a linear mixed model (REML, a random intercept per participant, wave as a
# factor with the pre-test as reference) uses every score, including those of participants
# who missed a wave. It is fitted as R's lme4 fits it: standard errors as lme4's, confidence
# intervals and p-values from the t distribution with Satterthwaite degrees of freedom,
# as lmerTest reports them.

# %% tags=["nbval-check-output"]
if "mixed_model" in tables:  # the chart is said only where there is one
    display(Markdown(report.mixed_model_text(tables["mixed_model"], tables["outcomes"])))
    display(Markdown(report.WAVE_MEANS_TEXT))
    publish.table("mixed_model", tables["mixed_model"], display=False)
    show_table(report.mixed_model_shown(tables["mixed_model"]), 3, titles=titles,
               confidence_level=data.cohort.confidence_level, headers={"p_value": "p-value (not adjusted)"}, columns=[
        "scale", "rater", "term", "estimate", "se", "df", "ci_low", "ci_high", "p_value", "n_participants",
        "n_observations"])
    publish.figure(plots.wave_means_plot(data.scale_scores, waves=[w for w in data.cohort.waves if w != "then"],
                                         titles=titles), "wave_means")
else:
    display(Markdown(f"*{report.no_mixed_model_text(data.cohort.waves, report.scored_waves(data))}*"))

# %% [markdown]
# ## Attrition
#
# How many people reached each stage, and whether those without a later score had started
# differently (Welch's t-test and Hedges' g on the baseline score).

# %% tags=["nbval-check-output"]
flow = report.attrition_flow(tables, data)
publish.figure(plots.attrition_flow(flow), "attrition")
publish.table("attrition", tables["attrition"], display=False)
show_table(flow, 2, titles=titles, columns=["stage", "n", "share_of_enrolled", "definition"])
baseline = tables["attrition"][tables["attrition"]["section"] == "baseline_comparison"]
show_table(baseline, 2, titles=titles, confidence_level=data.cohort.confidence_level, columns=[
    "scale", "n_with_later", "mean_with_later", "n_without_later", "mean_without_later", "mean_difference",
    "ci_low", "ci_high", "p_value", "hedges_g"])

# %% [markdown]
# ## Reliability of the scales
#
# Cronbach's alpha (with the Feldt confidence interval) and McDonald's omega total (one
# factor, minres loadings) per scale and wave, over the participants who answered every item.

# %% tags=["nbval-check-output"]
publish.table("reliability", tables["reliability"], display=False)
show_table(tables["reliability"], 2, titles=titles, confidence_level=0.95, columns=[
    "scale", "wave", "rater", "n", "k_items", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"])

# %% [markdown]
# ## For whom: change by group

# %% tags=["nbval-check-output"]
display(Markdown(report.for_whom_text(tables)))
publish.table("breakdowns", tables["breakdowns"], display=False)
show_table(tables["breakdowns"], 2, titles=titles, confidence_level=data.cohort.confidence_level,
           rows=tables["breakdowns"]["suppressed"] == "", name="breakdowns", columns=[
    "dimension", "category", "scale", "n_pairs", "mean_change", "change_ci_low", "change_ci_high", "d_z"])

# %% [markdown]
# ## Reaction to the programme (Kirkpatrick level 1)

# %% tags=["nbval-check-output"]
if "reaction" in tables:
    publish.table("reaction", tables["reaction"], display=False)
    show_table(tables["reaction"], 2, titles=titles)

# %% [markdown]
# ## Beside a comparison group

# %% tags=["nbval-check-output"]
if "comparison_group" in tables:
    display(Markdown(comparison.COMPARISON_GROUP_INTRO))
    publish.table("comparison_group", tables["comparison_group"], display=False)
    show_table(tables["comparison_group"], 2, titles=titles, confidence_level=data.cohort.confidence_level,
               columns=["scale", "comparison", "rater", "n_programme", "n_comparison", "mean_change_programme",
                        "mean_change_comparison", "did", "did_ci_low", "did_ci_high", "did_p_adjusted", "d_ppc2",
                        "d_ppc2_ci_low", "d_ppc2_ci_high"],
               formats={"did_p_adjusted": "p"}, headers={"did_p_adjusted": "Difference: p-value (adjusted)"})
else:
    display(Markdown("*This cohort has no comparison group.*"))

# %% [markdown]
# ## Data notes
#
# Statistics that could not be computed (too few people, no variance) are shown as — in the
# tables, as withheld numbers are, and left blank in the CSV files; the reasons are listed here.

# %%
if len(tables["notes"]):
    publish.table("notes", tables["notes"], display=False)
    show_table(tables["notes"], titles=titles)
else:
    display(Markdown("*None.*"))

# %%
publish.findings(report.outcome_findings(tables, data))

# %% [markdown]
# ## Methods
#
# Scale scores are the mean of the answered items (reverse-keyed items recoded) when at least
# the instrument's minimum share of items is answered. Change uses complete pairs only; the
# paired t-test gives the confidence interval of the mean change; the Wilcoxon signed-rank
# test follows R's `wilcox.test(paired = TRUE)`. Reliable change follows Jacobson & Truax
# (1991) with the cohort's pre-test Cronbach's alpha unless the parameters give a number. The
# interval of `g_av` is a seeded percentile bootstrap over pairs (resampling participants with
# both scores, with replacement; the resamples and seed of the cohort's `bootstrap` parameter), checked against
# R's `boot` package (`docs/methods.md`). The design:

# %% tags=["nbval-check-output"]
display(Markdown(report.design_label(tables)))

# %%
display(Markdown(glossary_markdown(terms)))
