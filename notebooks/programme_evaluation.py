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
# ## Equity of access, pooled over cohorts

# %% [markdown]
# ## Where the programme works and where it is blocked

# %% [markdown]
# ## The evidence against the policy's questions

# %%
publish.findings(findings)
