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
# # Programmes compared
#
# Two leadership programmes side by side: what changed, who completed and reliably improved,
# and what a place and a reliable improver cost. Beside every figure this report states the
# differences between the programmes that limit comparing them (who they are for, how
# participants' time was costed, the reliability behind reliable change and how many people it
# rests on, the questionnaires available, the cohort sizes and the number of cohorts). It states
# evidence, not a recommendation. It is produced by the evaluation workbench from the
# programmes' data and parameters; every number in it is also in `tables/` and `findings.json`.

# %% tags=["parameters"]
programmes = ["leading-to-deliver", "collaborative-leadership"]
data_dir = ""  # empty: the repository's data/
params_dir = ""  # empty: the repository's params/
output_dir = ""  # empty: show the report here without writing tables, figures or findings

# %%
from IPython.display import Markdown, display

from evaluation.data.programme import load_programme_data
from evaluation.publish.publisher import Publisher
from evaluation.reports import comparison_report
from evaluation.reports.display import show_table
from evaluation.reports.glossary import REPORT_TERMS, glossary_markdown, link_terms
from evaluation.viz import comparison_plots

data = [load_programme_data(p, data_dir=data_dir or None, params_dir=params_dir or None) for p in programmes]
publish = Publisher(output_dir or None, notebook="programme_comparison")
tables = comparison_report.comparison_tables(data)
comparison, limits = tables["programme_comparison"], tables["comparison_limits"]
level = float(comparison["confidence_level"].iloc[0])
titles = comparison_report.scale_titles(tables)
terms = REPORT_TERMS["programme_comparison"]

# %% tags=["nbval-check-output"]
display(Markdown(link_terms(comparison_report.comparison_summary_markdown(tables), terms)))

# %% [markdown]
# ## The programmes
#
# One row per programme: its cohorts, years and participants, the cohort sizes, the eligible
# population (the staff the programme is for, with their headcount
# in the workforce figures of the cohorts' years), the questionnaires (waves) and raters available, how
# participants' time was costed and in which year's prices, the reliability used for reliable
# change (Cronbach's alpha at the pre-test on the self-rated primary scale, unless the
# parameters give a number) with the number of people it was estimated from, the price base
# year and the confidence level.

# %% tags=["nbval-check-output"]
publish.table("programme_profiles", tables["programme_profiles"], display=False)
show_table(tables["programme_profiles"], 2, columns=[
    "title", "cohorts", "years", "participants", "cohort_size_min", "cohort_size_max", "eligible_population_words",
    "eligible_size_min", "eligible_size_max", "waves", "follow_up", "raters", "participant_time_words",
    "reliability_min", "reliability_max", "reliability_n_min", "reliability_n_max", "price_base_year"],
    headers={"title": "Programme"})

# %% [markdown]
# ## What differs between the programmes
#
# Each difference that limits comparing the programmes: each programme's value, the measures it
# limits and why it matters. A difference is listed whenever the programmes' values differ.

# %% tags=["nbval-check-output"]
publish.table("comparison_limits", limits, display=False)
show_table(limits, columns=["what", "values", "measures_limited", "why"])

# %% [markdown]
# ## The programmes side by side
#
# One row per programme and measure: change from before to just after the programme on each
# instrument's primary scale per rater (pooled by random effects over a programme's cohorts
# when it has two or more; a programme with one cohort has that cohort's own estimate and
# interval, and the column "Basis" says so), the share who reliably improved (of those with both scores,
# Wilson interval), the share who completed, the cash and economic cost per place and per
# reliable improver (bootstrap interval). Shares and costs are over all a programme's cohorts
# together. The column "Limits" lists, for each measure, the differences that limit comparing it.

# %% tags=["nbval-check-output"]
publish.figure(comparison_plots.change_chart(comparison, limits, titles=titles), "comparison_change")
publish.figure(comparison_plots.improver_cost_chart(comparison, limits), "comparison_cost_per_improver")
publish.table("programme_comparison", comparison, display=False)
show_table(comparison, 3, confidence_level=level, titles=titles, columns=[
    "title", "measure", "scale", "rater", "value", "ci_low", "ci_high", "verdict", "unit", "basis", "n", "limits"],
    headers={"title": "Programme"})

# %% [markdown]
# ## Data notes
#
# Warnings raised while the figures were computed (for example, pooling few cohorts).

# %%
publish.table("comparison_notes", tables["notes"], display=False)
if len(tables["notes"]):
    show_table(tables["notes"])
else:
    display(Markdown("*None.*"))

# %%
publish.findings(comparison_report.comparison_findings(data, tables))

# %% [markdown]
# ## Methods
#
# Every number comes from the cohort reports' own functions: each cohort's change from the
# outcomes report (paired t interval of the mean change, before → after), its costs and reliable
# improvers from the cost report (fully loaded costs in real prices, HM Treasury GDP deflator;
# participants without both scores count as not improved). Change over two or more cohorts is
# pooled by random effects: REML τ² (never negative), Hartung–Knapp–Sidik–Jonkman interval with
# the ad hoc correction (metafor `rma(method = "REML", test = "adhoc")`), each cohort's
# standard error recovered from its t interval. The share who reliably improved is the
# improvers over the pairs of all cohorts together, with a Wilson interval; completion and the
# costs per place are counted and have no interval. The cost per reliable improver of one
# cohort has that cohort's bootstrap interval; over several cohorts the cohorts' ledgers are
# put together and the programme's participants resampled (cost and improvement together,
# seeded with the first cohort's seed). Money is in the first programme's price base year and
# intervals at its confidence level. Everything is about whole programmes: nothing is broken
# down by participant characteristics, so nothing is suppressed.

# %% tags=["nbval-check-output"]
display(Markdown(glossary_markdown(terms)))
