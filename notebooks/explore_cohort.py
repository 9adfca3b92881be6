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
# # Exploring a cohort
#
# A tutorial for evaluators: load a cohort with the workbench's API, reproduce a table of its
# published report in a few lines, then go beyond the report — subgroups, other settings,
# cohorts side by side — with the same statistics and the same disclosure control. Open it in
# JupyterLab (`make lab`) and run it from the top; change the parameters below to look at
# another cohort. It writes nothing.

# %% tags=["parameters"]
programme = "leading-to-deliver"
cohort = 2
data_dir = ""  # empty: the repository's data/
params_dir = ""  # empty: the repository's params/

# %% [markdown]
# ## 1. Load a cohort
#
# `ev.load_cohort` reads the cohort's processed data (pseudonymised at ingest, scored) and its
# parameters. If the processed data are missing, the error says how to build them
# (`make data`). The cohort shows itself as a short summary.

# %%
import evaluation as ev

c = ev.load_cohort(programme, cohort, data_dir=data_dir or None, params_dir=params_dir or None)
c

# %% [markdown]
# Its data are tidy DataFrames: one row per participant, and scale scores in long format
# (one row per participant × scale × wave × rater).

# %%
c.scales

# %%
c.scale_scores.head()

# %% [markdown]
# ## 2. Reproduce a report table
#
# `c.outcomes()` is the report's `tables/outcomes.csv`: the same function, with the cohort's
# own parameters (comparisons, confidence level, multiplicity adjustment, reliability for
# reliable change) as defaults. Here are the main comparison's self-ratings.

# %%
level = c.parameters.confidence_level
first = c.parameters.comparisons[0]
outcomes = c.outcomes()
outcomes.query("comparison == @first and rater == 'self'")[
    ["scale", "n_pairs", "mean_change", "change_ci_low", "change_ci_high", "p_adjusted", "d_z"]].round(3)

# %% [markdown]
# The report's forest plot, drawn from that table. Figure functions return an object that
# displays itself in the notebook (no `%matplotlib` needed) and leaves your matplotlib
# settings alone; they take `title=` and `ax=` to fit your own layouts.

# %%
from evaluation.viz import outcome_plots

outcome_plots.forest_plot(outcomes, comparison=first, rater="self", titles=c.data.titles,
                          confidence_level=level, title=f"Cohort {c.number}: change by scale ({first})")

# %% [markdown]
# Every report is one `ReportResult`: its published tables by file name, its findings and
# its summary for commissioners.

# %%
report = c.report("outcomes")
report

# %%
report.findings_frame().head()

# %% [markdown]
# ## 3. Beyond the report: for whom did it work?
#
# `by=` breaks the table down by a participant characteristic. The p-values are adjusted over
# the same family as the report's (every scale, within each comparison × rater), so a subgroup's
# `p_adjusted` can be set beside the report's. Groups smaller than the disclosure threshold
# are suppressed, with one more group where needed so that they cannot be worked out from the
# totals (the `suppressed` column says which and why).

# %%
primary = c.data.primary_scale
by_role = c.outcomes(by="role_level", scales=primary, raters="self", comparisons=[first])
by_role[["role_level", "n_pairs", "mean_change", "change_ci_low", "change_ci_high", "p_adjusted",
         "suppressed"]].round(3)

# %% [markdown]
# `where=` keeps some participants only, e.g. those from the voluntary sector, or any rule
# written as a function of the participants table.

# %%
voluntary = c.outcomes(where={"sector": "voluntary"}, raters="self", comparisons=[first])
voluntary[["scale", "n_pairs", "mean_change", "p_adjusted", "suppressed"]].round(3)

# %% [markdown]
# Other settings are arguments: a 90% confidence level, or no multiplicity adjustment.

# %%
c.outcomes(confidence_level=0.90, multiplicity="none", scales=primary, comparisons=[first])[
    ["rater", "mean_change", "change_ci_low", "change_ci_high", "p_value", "p_adjusted"]].round(3)

# %% [markdown]
# ## 4. Cohorts side by side
#
# `ev.load_programme` loads every cohort; its methods stack the cohorts' tables with a
# `cohort` column. Line-manager ratings (Kirkpatrick level 3) of the primary scale, cohort by
# cohort:

# %%
p = ev.load_programme(programme, data_dir=data_dir or None, params_dir=params_dir or None)
p

# %%
raters = sorted(set(c.scale_scores["rater"]) - {"self"})
p.outcomes(scales=primary, raters=raters, comparisons=["pre_post"])[
    ["cohort", "rater", "n_pairs", "mean_change", "change_ci_low", "change_ci_high", "p_adjusted"]].round(3)

# %% [markdown]
# What a place cost in each cohort, in the same base-year prices:

# %%
costs = p.costs()
costs.query("measure in ['cost_per_enrolled', 'cost_per_completer', 'cost_per_reliable_improver']")[
    ["cohort", "measure", "value", "ci_low", "ci_high", "unit"]].round(0)

# %% [markdown]
# Did cohort 2 change more than cohort 3? `p.compare(a, b)` sets two cohorts side by side and
# gives the difference in mean change, a − b, with its interval (Welch's t on the participants'
# change scores; the p-values are not adjusted). It needs two cohorts:

# %%
numbers = list(p.cohorts)
if len(numbers) >= 2:
    display(p.compare(numbers[0], numbers[1], scales=primary, comparisons=["pre_post"])[
        ["rater", "cohort_a", "cohort_b", "mean_change_a", "mean_change_b", "difference", "ci_low", "ci_high"]]
        .round(3))

# %% [markdown]
# Pooled over every cohort by random effects, as the programme report does (REML τ², the
# Hartung–Knapp–Sidik–Jonkman interval, I² and a prediction interval for a new cohort):

# %%
p.pool(comparisons="pre_post", measures="mean_change", raters=raters)[
    ["scale", "rater", "k", "estimate", "ci_low", "ci_high", "i2", "pi_low", "pi_high"]].round(3)

# %% [markdown]
# `p.report()` holds every table and summary of the programme report (`make programme`), and
# `ev.compare_programmes()` sets the programmes side by side with every difference that limits
# the comparison (`make compare`):

# %%
both = ev.compare_programmes(data_dir=data_dir or None, params_dir=params_dir or None)
both.table("comparison_limits")[["label", "values"]]

# %% [markdown]
# ## 5. Explore with controls
#
# Choose a programme, cohort, scale, subgroup and rater; the table below follows. (In a
# notebook run without a live kernel, as in the tests, the controls show their first values.)

# %%
import ipywidgets as widgets
from IPython.display import display

NONE = "(whole cohort)"


def explore(programme: str, cohort: int, scale: str, subgroup: str, rater: str):
    chosen = ev.load_cohort(programme, cohort, data_dir=data_dir or None, params_dir=params_dir or None)
    if scale not in chosen.data.titles or rater not in set(chosen.scale_scores["rater"]):
        return None
    table = chosen.outcomes(by=None if subgroup == NONE else subgroup, scales=scale, raters=rater)
    keys = [] if subgroup == NONE else [subgroup]
    columns = [*keys, "comparison", "n_pairs", "mean_change", "change_ci_low", "change_ci_high", "p_adjusted"]
    display(table[columns + (["suppressed"] if keys else [])].round(3))
    return table


# the programmes and cohorts of the parameter folder the notebook reads (params_dir above)
programme_box = widgets.Dropdown(options=ev.list_programmes(params_dir or None), value=programme,
                                 description="programme")
cohort_box = widgets.Dropdown(options=ev.list_cohorts(programme, params_dir or None), value=cohort,
                              description="cohort")
scale_box = widgets.Dropdown(options=list(c.data.titles), value=primary, description="scale")
subgroup_box = widgets.Dropdown(options=[NONE, *c.characteristics], value="role_level", description="subgroup")
rater_box = widgets.Dropdown(options=sorted(set(c.scale_scores["rater"])), value="self", description="rater")


def _programme_changed(change):
    cohort_box.options = ev.list_cohorts(change["new"], params_dir or None)


programme_box.observe(_programme_changed, names="value")
controls = widgets.interactive(explore, programme=programme_box, cohort=cohort_box, scale=scale_box,
                               subgroup=subgroup_box, rater=rater_box)
display(controls)

# %% [markdown]
# The same call without the controls, so that the notebook shows a result when run headless:

# %%
explore(programme, cohort, primary, "sector", "self");

# %% [markdown]
# ## Where next
#
# * `c.reliability()`, `c.costs()`, `c.equity()`: the reliability, cost and equity tables of
#   the reports; `c.report("costs")` and `c.report("equity")` hold all their tables.
# * `c.findings()`: every headline finding of the three reports, as in `findings.json`.
# * `p.success_cases()`: for evaluators only, the strongest and weakest reliable changers of
#   each group by pseudonymised id, to choose whom to interview (Brinkerhoff); never publish it.
# * The API reference (`make docs`, then open `docs/_build/index.html`) documents every function
#   with its formula, its source and an example.
