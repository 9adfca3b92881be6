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
# # Equity of access: who gets places, who completes, who benefits
#
# This report compares the people who had a place on one cohort of a leadership programme with
# the programme's **eligible population** — the part of the social-services workforce it is
# open to (for Leading to Deliver, first-line and middle managers; for the Collaborative
# Leadership pilot, senior managers of public services), in the cohort's year of enrolment — and follows each group
# from a place to completion and to change on the programme's main outcome.
#
# The frame is the Equality Act 2010 public sector equality duty (section 149): due regard to
# eliminating discrimination and advancing equality of opportunity between people who share a
# protected characteristic and those who do not. The protected characteristics recorded here
# are sex (as gender), age (as age band), race (as ethnicity) and disability; sector, role level
# and council area are reported beside them as dimensions of access. It is produced by the
# evaluation workbench; every number in it is also in `tables/` and `findings.json`. Groups of
# one to four people (below the disclosure threshold of five, unless the cohort's parameters set
# another) are never shown, save how many did not declare a characteristic (see Disclosure
# control); a group with nobody in it is shown as 0, which identifies no one.

# %% tags=["parameters"]
programme = "leading-to-deliver"
cohort = 2
data_dir = ""  # empty: the repository's data/
params_dir = ""  # empty: the repository's params/
output_dir = ""  # empty: show the report here without writing tables, figures or findings

# %%
from IPython.display import Markdown, display

from evaluation.data.cohort import load_cohort_data
from evaluation.publish.publisher import Publisher
from evaluation.reports import equity_report
from evaluation.reports.display import show_table
from evaluation.reports.glossary import REPORT_TERMS, glossary_markdown, link_terms
from evaluation.viz import equity_plots
from evaluation.viz.figure import ci_percent

data = load_cohort_data(programme, cohort, data_dir=data_dir or None, params_dir=params_dir or None)
result = equity_report.equity_tables(data)
tables = result.tables
publish = Publisher(output_dir or None, notebook="equity_of_access")
settings = data.cohort.equity
level = data.cohort.confidence_level

# %% tags=["nbval-check-output"]
display(Markdown(link_terms(equity_report.equity_summary(result, data), REPORT_TERMS["equity_of_access"])))

# %% [markdown]
# ## Representation against the eligible population
#
# For each group: places per 1,000 eligible staff, its share of places against its share of
# the eligible population (representation index, 100 = in proportion), and the **relative
# likelihood** of a place compared with a reference group (as in NHS Workforce Race Equality
# Standard indicator 4), with a Katz log confidence interval. The shaded band is the
# four-fifths rule applied both ways: *within* only when the whole interval lies in it (a claim
# of equal access needs the evidence for it), *disparity* when the interval excludes 1 and the
# estimate lies outside the band, *inconclusive* otherwise. A group with no places is drawn at
# the left edge with a one-sided interval. Withheld groups are labelled "withheld" and have no value.
#
# People whose group is not part of the eligible population (for instance frontline staff on a
# managers' programme) are counted in their own row and in every share of places in the
# equity table (not in the goodness-of-fit test, which compares the eligible groups only), with
# no rate, index or relative likelihood ("Outside eligible population" in the column
# "Benchmark"). National bodies are not a council area: they have a rate of their own and no
# relative likelihood ("National bodies" in that column).

# %%
for dimension in settings.dimensions:
    publish.figure(equity_plots.representation_chart(tables["equity"], dimension=dimension, band=settings.band,
                                                     confidence_level=level), f"equity_representation_{dimension}")

# %% tags=["nbval-check-output"]
publish.table("equity", tables["equity"], display=False)
show_table(tables["equity"], 2, confidence_level=level, columns=[
    "dimension", "category", "participants", "eligible", "rate_per_1000", "share_participants", "share_eligible",
    "representation_index", "relative_likelihood", "rl_ci_low", "rl_ci_high", "band", "reference_category",
    "benchmark", "workforce_year", "suppressed"])

# %% [markdown]
# ## Is the difference more than chance?
#
# A goodness-of-fit test asks whether the spread of places over a dimension's categories
# could come from drawing participants at random from the eligible population. It is run over
# the eligible population's declared categories (places outside the eligible population, and
# "not declared", "prefer not to say" and "not recorded", are left out). The Pearson
# chi-square test is used when every expected count is at least 5; otherwise a Monte Carlo
# multinomial test (20,000 simulated cohorts, seeded, so the p-value is reproducible). Groups
# that are suppressed are pooled into one before testing; a test whose number of places would
# reveal a withheld group is not computed.

# %% tags=["nbval-check-output"]
publish.table("equity_goodness_of_fit", tables["goodness_of_fit"], display=False)
show_table(tables["goodness_of_fit"], 3, columns=[
    "dimension", "method", "statistic", "df", "p_value", "n", "categories", "pooled_suppressed_categories",
    "min_expected"])

# %% [markdown]
# ## Places across Scotland's council areas
#
# Places per 1,000 eligible staff in each of the 32 council areas, then the Lorenz curve: areas
# ordered from the lowest rate to the highest, the cumulative share of places against the
# cumulative share of the eligible population. The workforce-weighted Gini coefficient (Brown's
# formula) is 0 when places follow the eligible population exactly. Suppressed areas are pooled
# into one point, which makes the Gini coefficient a lower bound (how unevenly places are spread
# among them is not counted), and the report then says "at least". National bodies are not a council area and are left out — unless their own
# number is withheld, when they are pooled with the withheld areas so that it cannot be worked
# out from the council areas' total (the row "National bodies pooled" of the table below says
# which).

# %%
if len(tables["council_areas"]):
    publish.figure(equity_plots.council_rates_chart(tables["council_areas"]), "equity_council_areas")

# %% tags=["nbval-check-output"]
if len(tables["council_areas"]):
    gini = float(tables["spread"].set_index("measure")["value"].get("gini", float("nan")))
    publish.figure(equity_plots.lorenz_chart(tables["lorenz"], gini), "equity_lorenz")
    publish.table("equity_council_areas", tables["council_areas"], display=False)
    publish.table("equity_lorenz", tables["lorenz"], display=False)
    publish.table("equity_spread", tables["spread"], display=False)
    show_table(tables["spread"], 3, formats={"value": "auto"}, columns=["measure", "value", "description"])
else:
    display(Markdown("*Council area is not one of this cohort's equity dimensions.*"))

# %% [markdown]
# ## From a place to completion
#
# The share of each group who completed the programme, with a Wilson confidence interval at the cohort's
# confidence level.
# A group's rate is withheld when some, but fewer than the disclosure threshold, in it completed
# or did not complete (rate × size would reveal them), when its size is withheld in the representation
# table, or where needed so that such a number cannot be worked out from the totals. The chart
# leaves out council areas (one line for each of 32 areas would crowd it); the table shows every
# group whose rate is published, council areas included, and the CSV named under it lists every
# group with people in it, except in a characteristic withheld as a whole (its rows would say
# which of its groups are empty, and so how many the others hold).

# %%
publish.figure(equity_plots.group_estimates_chart(
    tables["completion"], value="completion_rate", low="ci_low", high="ci_high", percent=True,
    dimensions=[d for d in settings.dimensions if d != "local_authority"],
    xlabel=f"Completed the programme (%), with {ci_percent(level)} CI", title="Completion by group",
    confidence_level=level), "equity_completion")

# %% tags=["nbval-check-output"]
publish.table("equity_completion", tables["completion"], display=False)
show_table(tables["completion"], 3, confidence_level=level, rows=tables["completion"]["suppressed"] == "",
           name="equity_completion", columns=["dimension", "category", "participants", "completion_rate", "ci_low",
                                              "ci_high"])

# %% [markdown]
# ## From completion to benefit
#
# Mean change on the programme's primary scale (self-ratings, the cohort's first comparison)
# for each group in which at least as many people as the disclosure threshold (five, unless the
# cohort's parameters set another) have scores at both questionnaires compared, with the paired
# t-interval and d_z. Smaller groups, groups in which some, but fewer than the threshold, lack
# both scores, and groups withheld elsewhere, are withheld. The chart leaves out council
# areas, as above; the table shows every published group, council areas included, and the CSV
# named under it lists every group with people in it, except in a characteristic withheld as a
# whole.

# %%
change = tables["outcome_change"]
if len(change):
    publish.figure(equity_plots.group_estimates_chart(
        change, value="mean_change", low="change_ci_low", high="change_ci_high", reference=0.0,
        dimensions=[d for d in settings.dimensions if d != "local_authority"],
        xlabel=f"Mean change (later − earlier, scale points), with {ci_percent(level)} CI", confidence_level=level,
        title=f"Change on {data.titles.get(data.primary_scale, data.primary_scale)} by group"),
        "equity_outcome_change")

# %% tags=["nbval-check-output"]
publish.table("equity_outcome_change", change, display=False)
if len(change) and not (change["suppressed"] == "").any():
    display(Markdown(equity_report.NO_GROUP_CHANGE_TEXT))
elif len(change):
    show_table(change, 2, titles=data.titles, confidence_level=level, rows=change["suppressed"] == "",
               name="equity_outcome_change", columns=[
        "dimension", "category", "scale", "comparison", "n_pairs", "mean_change", "change_ci_low", "change_ci_high",
        "d_z"])
else:
    display(Markdown("*Not available: no paired scores on the primary scale.*"))

# %% [markdown]
# ## Declaration
#
# The share of participants who declared each characteristic. "Not declared", "prefer not to
# say" and "not recorded" (left blank) are categories of their own in the tables above.

# %% tags=["nbval-check-output"]
publish.table("equity_declaration", tables["declaration"], display=False)
show_table(tables["declaration"], 3, columns=["dimension", "participants", "declaration_rate", "suppressed"])

# %% [markdown]
# ## Data notes

# %%
if len(tables["notes"]):
    publish.table("equity_notes", tables["notes"])
else:
    display(Markdown("*None.*"))

# %%
publish.findings(equity_report.equity_findings(result, data))

# %% [markdown]
# ## Disclosure control
#
# No table, chart or text in this report shows a number of people from 1 to threshold − 1 (1 to 4
# at the default threshold of 5) for a group
# defined by participants' characteristics, with the one exception given at the end of this section. Such counts are suppressed (*primary*), and so are
# further groups (*secondary*) wherever a suppressed count could otherwise be worked out from
# the totals and the other groups; rates, shares, ratios and bands of a suppressed group are
# withheld with it. The tables mark both kinds "withheld", so which group is the small one cannot
# be told from the mark. Counts a reader could compute — people who did not complete (size × rate),
# people without both scores — count as well, and the decision is taken for all of
# the cohort's tables at once, as do withheld groups taken together; before anything is published,
# an audit works back from every published figure as a reader could and stops the report if any
# such number can be found. One figure is shown whatever its size: how many people did not declare
# each characteristic, which the declaration rate gives (declaration rates are always reported,
# as the evidence of how complete the data are), though not how they are split between "prefer
# not to say", "not declared" and "not recorded".
# A log of what was suppressed and why is kept with the evaluator's data,
# not in this report.

# %%
if output_dir:
    equity_report.write_disclosure_log(result.log, data_dir or None, programme, cohort)
    display(Markdown(f"*{len(result.log)} suppressions are recorded in the evaluator's disclosure log.*"))
else:
    display(Markdown(f"*{len(result.log)} suppressions (the log is written only when the report is published).*"))

# %% [markdown]
# ## Methods
#
# Eligible population: the staff the programme is meant for, from the workforce reference
# figures the programme names (`eligible_population` of its parameters, a `population` of
# `data/raw/reference/workforce.csv`), for the year nearest the cohort's year of enrolment (the
# year most participants enrolled; on a tie the earlier year), with the gap stated in the summary.
# Rate per 1,000 = 1,000 × participants / eligible staff; representation index =
# 100 × share of places / share of the eligible population; relative likelihood = rate of a group / rate
# of the reference group (the group the cohort's parameters name, `equity.reference`, else the largest group in the
# eligible population; if that group is suppressed, the largest published group), with the Katz log
# confidence interval (Katz et al. 1978) — for a group with no places, the interval runs from 0
# to the upper limit of the adjusted log interval (0.5 added to each count). Band: the
# four-fifths rule of the US Uniform Guidelines (1978) in both directions, configurable: *within*
# only when the whole interval lies in it; *disparity* when the interval excludes 1 and the
# estimate lies outside it; else *inconclusive*.
# Goodness of fit: Pearson chi-square when every expected count is at least 5, otherwise a
# Monte Carlo multinomial test. Spread: Lorenz curve and workforce-weighted Gini coefficient
# (Brown's formula) of places per 1,000 across the 32 council areas. Completion: Wilson
# interval. Outcome change: paired t-interval and d_z, as in the cohort evaluation report.

# %%
display(Markdown(glossary_markdown(REPORT_TERMS["equity_of_access"])))
