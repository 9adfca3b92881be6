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

# %% [markdown]
# ## Trends across cohorts

# %% [markdown]
# ## Costs across cohorts

# %% [markdown]
# What each cohort cost, per place and per participant who reliably improved on the primary scale, in real
# prices at one price base year (the cohorts' own cost reports give the same figures). The cash cost is what the
# commissioner pays; the economic cost adds participants' time. Only the cost per reliable improver has an
# interval (a seeded bootstrap): counted money has none.

# %% tags=["nbval-check-output"]
from evaluation.reports.programme_report import costs as programme_costs
from evaluation.viz import programme_trend_plots

cost_table = programme_costs.cost_trends(data)
display(Markdown(programme_costs.cost_summary_markdown(cost_table)))
publish.table("cost_trends", cost_table, display=False)
publish.figure(programme_trend_plots.cost_trend_chart(cost_table), "cost_trends")
show_table(cost_table, 0, columns=["level", "cohort", "year", "enrolled", "completed", "reliable_improvers",
                                   "cash_cost_per_enrolled", "cost_per_enrolled", "cost_per_reliable_improver",
                                   "cost_per_reliable_improver_ci_low", "cost_per_reliable_improver_ci_high",
                                   "price_base_year"])
findings += programme_costs.cost_findings(data, cost_table)

# %% [markdown]
# ## Equity of access, pooled over cohorts

# %% [markdown]
# Who got places, over all the cohorts together, against the eligible population of each cohort's year: rates are
# places per 1,000 eligible staff-years, and the relative likelihood of a place is worked out within each cohort
# and combined. Groups that are small, or whose number would let a number withheld in a cohort's own report be
# worked out, are not shown.

# %% tags=["nbval-check-output"]
from evaluation.reports.programme_report import equity as programme_equity
from evaluation.reports.programme_report import equity_text as programme_equity_text

pooled = programme_equity.pooled_equity(data)
pooled_table = pooled.tables["equity_pooled"]
display(Markdown(programme_equity_text.equity_summary_markdown(pooled, data)))
publish.table("equity_pooled", pooled_table, display=False)
for dimension in dict.fromkeys(pooled_table["dimension"]):
    publish.figure(programme_trend_plots.pooled_equity_chart(pooled_table, dimension=dimension, band=pooled.band,
                                                             confidence_level=level), f"equity_pooled_{dimension}")
show_table(pooled_table, 2, confidence_level=level, columns=[
    "dimension", "category", "participants", "eligible", "rate_per_1000", "representation_index",
    "relative_likelihood", "rl_ci_low", "rl_ci_high", "band", "suppressed"])
findings += programme_equity_text.equity_findings(data, pooled)

# %% [markdown]
# ## Where the programme works and where it is blocked

# %% [markdown]
# ## The evidence against the policy's questions

# %%
publish.findings(findings)
