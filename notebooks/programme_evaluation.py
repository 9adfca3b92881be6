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
# # The programme across its cohorts
#
# Is the programme working across its cohorts, for whom, at what cost, and who gets access? This
# report sets every cohort of one leadership programme side by side and pools them, so that a
# change too small to show clearly in one cohort of about 100 people can show across five. It is
# produced by the evaluation workbench from the cohorts' data and parameters; every number in it
# is also in `tables/` and `findings.json`. Groups of fewer than five people are never shown.

# %% tags=["parameters"]
programme = "leading-to-deliver"
data_dir = ""  # empty: the repository's data/
params_dir = ""  # empty: the repository's params/
output_dir = ""  # empty: show the report here without writing tables, figures or findings

# %%
from IPython.display import Markdown, display

from evaluation.data.programme import load_programme_data
from evaluation.publish.publisher import Publisher
from evaluation.reports.display import show_table

data = load_programme_data(programme, data_dir=data_dir or None, params_dir=params_dir or None)
publish = Publisher(output_dir or None, notebook="programme_evaluation")
level = data.confidence_level
findings = []  # each section adds its findings; the last cell publishes them

# %% [markdown]
# ## Outcomes across cohorts
#
# Each cohort's change from before to after the programme, as its own cohort report publishes
# it, set side by side and pooled. Pooling is a random-effects meta-analysis (METHODS.md):
# each cohort counts by its precision, the between-cohort variance τ² is estimated by REML and
# never negative, and the interval is the Hartung–Knapp–Sidik–Jonkman interval with the ad hoc
# correction, so it is never narrower than the usual one. I² is the share of the spread between
# cohorts that is more than chance; the prediction interval is where a new, similar cohort's
# change would be expected to lie. Changes are pooled in points on the scale and as g_av (the
# change over the average SD of the two waves, small-sample corrected; its variance for
# pooling is Bonett's 2008 large-sample formula). With a single cohort nothing is pooled.

# %%
from evaluation.reports.programme_report import outcome_text as outcome_words
from evaluation.reports.programme_report import outcomes as programme_outcomes
from evaluation.viz import programme_plots

outcome_tables = programme_outcomes.programme_outcome_tables(data)
outcome_titles = next(iter(data)).titles
outcome_panels = programme_outcomes.forest_panels(outcome_tables["programme_outcomes"], paired_only=True)

# %% tags=["nbval-check-output"]
display(Markdown(outcome_words.outcome_summary(outcome_tables, data)))

# %% [markdown]
# Each square is one cohort's change with its confidence interval; the diamond spans the pooled
# estimate's interval and the band beneath it the prediction interval. Participants' own
# ratings are on the left and their line managers' ratings of the matching behaviour at work
# (Kirkpatrick level 3) on the right.

# %%
publish.figure(programme_plots.cohort_forest_plot(
    outcome_tables["programme_outcomes"], outcome_tables["pooled_outcomes"], panels=outcome_panels,
    measure="mean_change", titles=outcome_titles, confidence_level=level), "programme_forest_change")
publish.figure(programme_plots.cohort_forest_plot(
    outcome_tables["programme_outcomes"], outcome_tables["pooled_outcomes"], panels=outcome_panels,
    measure="g_av", titles=outcome_titles, confidence_level=level,
    title="Size of the change (g_av) in each cohort and pooled, pre → post"), "programme_forest_g_av")

# %% [markdown]
# `pooled_outcomes` holds every scale, comparison and rater, in scale points (`mean_change`)
# and as `g_av`; `programme_outcomes` holds each cohort's row as its cohort report publishes it,
# with the standard errors used for pooling (`change_se` from the paired t interval, `g_av_se`
# from Bonett's formula). The table below shows the pooled pre → post changes.

# %% tags=["nbval-check-output"]
publish.table("programme_outcomes", outcome_tables["programme_outcomes"], display=False)
publish.table("pooled_outcomes", outcome_tables["pooled_outcomes"], display=False)
show_table(outcome_tables["pooled_outcomes"].query("comparison == 'pre_post'")[
    ["scale", "rater", "measure", "k", "estimate", "ci_low", "ci_high", "i2", "q", "q_p", "pi_low", "pi_high"]])
if len(outcome_tables["outcome_notes"]):
    show_table(outcome_tables["outcome_notes"])

# %%
findings += outcome_words.outcome_findings(data, outcome_tables)

# %% [markdown]
# ## Trends across cohorts
#
# Cohort by cohort: how many enrolled and completed, the share who reliably improved on the
# primary scale (a change larger than measurement error alone would explain; Jacobson & Truax
# 1991) by their own and their line managers' ratings, and, where a cohort ran a follow-up
# questionnaire, the change at follow-up beside the change at the end of the programme. These
# are whole-cohort figures, as the cohort reports publish them. A rise or fall is stated only
# when a test for trend in proportions across the cohorts' years (Cochran–Armitage, as R's
# `prop.trend.test`) supports it; otherwise the range is given.

# %% tags=["nbval-check-output"]
display(Markdown(outcome_words.trend_summary(outcome_tables, data)))

# %%
publish.figure(programme_plots.outcome_trend_plot(outcome_tables["outcome_trends"], titles=outcome_titles),
               "outcome_trends")

# %% tags=["nbval-check-output"]
publish.table("outcome_trends", outcome_tables["outcome_trends"], display=False)
publish.table("outcome_trend_tests", outcome_tables["outcome_trend_tests"], display=False)
show_table(outcome_tables["outcome_trends"])
show_table(outcome_tables["outcome_trend_tests"])

# %% [markdown]
# ## Costs across cohorts

# %% [markdown]
# ## Equity of access, pooled over cohorts

# %% [markdown]
# ## Where the programme works and where it is blocked

# %% [markdown]
# ## The evidence against the policy's questions

# %%
publish.findings(findings)
