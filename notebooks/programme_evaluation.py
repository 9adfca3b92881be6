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
# report sets every cohort of one leadership programme side by side and, when there are two or
# more, pools them, so that a change too small to show clearly in one cohort can show across
# several. It is
# produced by the evaluation workbench from the cohorts' data and parameters; every number in it
# is also in `tables/` and `findings.json`. Groups of one to four people (below the disclosure
# threshold of five, unless the parameters set another) are never shown; a group with nobody in it
# is shown as 0, which identifies no one.

# %% tags=["parameters"]
programme = "leading-to-deliver"
data_dir = ""  # empty: the repository's data/
params_dir = ""  # empty: the repository's params/
output_dir = ""  # empty: show the report here without writing tables, figures or findings

# %%
from IPython.display import Markdown, display

from evaluation.data.programme import load_programme_data
from evaluation.publish.publisher import Publisher
from evaluation.reports import programme_report
from evaluation.reports.display import show_table
from evaluation.reports.glossary import REPORT_TERMS, glossary_markdown, link_terms

data = load_programme_data(programme, data_dir=data_dir or None, params_dir=params_dir or None)
report = programme_report.build(data)
publish = Publisher(output_dir or None, notebook="programme_evaluation")
level = data.confidence_level
terms = REPORT_TERMS["programme_evaluation"]

# %% [markdown]
# ## In brief: the evidence against the policy's questions
#
# The policy asks that programmes be evaluated "to understand what is successful and where
# blockages occur", and that "costs and equity of access are properly considered". For each
# question: what the cohorts together show, how strong that evidence is (the design's level on
# the Maryland Scientific Methods Scale, how consistent the cohorts are, and whether line
# managers saw the change at work) and what would strengthen it. The sections below give the
# detail and the tables.

# %% tags=["nbval-check-output"]
publish.table("evidence_summary", report.tables["evidence_summary"], display=False)
display(Markdown(link_terms(report.summaries["evidence"], terms)))

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
from evaluation.reports.programme_report import outcomes as programme_outcomes
from evaluation.viz import programme_plots

outcome_tables = {**report.tables, "outcome_notes": report.details["outcome_notes"]}
outcome_titles = next(iter(data)).titles
outcome_panels = programme_outcomes.forest_panels(outcome_tables["programme_outcomes"], paired_only=True)

# %% tags=["nbval-check-output"]
display(Markdown(link_terms(report.summaries["outcomes"], terms)))

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
    title="Size of the change (g_av) in each cohort and pooled, before → after"), "programme_forest_g_av")

# %% [markdown]
# The table below shows the pooled changes from before to after the programme (with one cohort,
# that cohort's own changes: nothing is pooled). Every scale,
# comparison and rater is in `tables/pooled_outcomes.csv`, in scale points (measure
# `mean_change`) and as g_av; `tables/programme_outcomes.csv` holds each cohort's row as its
# cohort report publishes it, with the standard errors used for pooling (`change_se` from the
# paired t interval, `g_av_se` from Bonett's formula).

# %% tags=["nbval-check-output"]
publish.table("programme_outcomes", outcome_tables["programme_outcomes"], display=False)
publish.table("pooled_outcomes", outcome_tables["pooled_outcomes"], display=False)
said, shown, shown_columns = programme_outcomes.table_shown(outcome_tables)
if said:
    display(Markdown(said))
show_table(shown, titles=outcome_titles, confidence_level=level, columns=shown_columns)
if len(outcome_tables["outcome_notes"]):
    show_table(outcome_tables["outcome_notes"])

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
display(Markdown(link_terms(report.summaries["trends"], terms)))

# %%
publish.figure(programme_plots.outcome_trend_plot(outcome_tables["outcome_trends"], titles=outcome_titles),
               "outcome_trends")

# %% tags=["nbval-check-output"]
publish.table("outcome_trends", outcome_tables["outcome_trends"], display=False)
publish.table("outcome_trend_tests", outcome_tables["outcome_trend_tests"], display=False)
show_table(outcome_tables["outcome_trends"], titles=outcome_titles, confidence_level=level)
show_table(outcome_tables["outcome_trend_tests"])

# %% [markdown]
# ## Costs across cohorts

# %% [markdown]
# What each cohort cost, per place and per participant who reliably improved on the primary scale, in real
# prices at one price base year (the cohorts' own cost reports give the same figures). The cash cost is what the
# commissioner pays; the economic cost adds participants' time. Only the cost per reliable improver has an
# interval (a seeded bootstrap): counted money has none.

# %% tags=["nbval-check-output"]
from evaluation.viz import programme_trend_plots

cost_table = report.tables["cost_trends"]
display(Markdown(link_terms(report.summaries["costs"], terms)))
publish.table("cost_trends", cost_table, display=False)
publish.figure(programme_trend_plots.cost_trend_chart(cost_table), "cost_trends")
show_table(cost_table, 0, confidence_level=level, columns=[
    "level", "cohort", "year", "enrolled", "completed", "reliable_improvers", "cash_cost_per_enrolled",
    "cost_per_enrolled", "cost_per_reliable_improver", "cost_per_reliable_improver_ci_low",
    "cost_per_reliable_improver_ci_high", "price_base_year"])

# %% [markdown]
# ## Equity of access, pooled over cohorts

# %% [markdown]
# Who got places, over all the cohorts together, against the eligible population of each cohort's year: rates are
# places per 1,000 eligible staff-years, and the relative likelihood of a place is worked out within each cohort
# and combined. Groups that are small, or whose number would let a number withheld in a cohort's own report be
# worked out, are not shown.

# %% tags=["nbval-check-output"]
pooled_table = report.tables["equity_pooled"]
display(Markdown(link_terms(report.summaries["equity"], terms)))
publish.table("equity_pooled", pooled_table, display=False)
for dimension in dict.fromkeys(pooled_table["dimension"]):
    publish.figure(programme_trend_plots.pooled_equity_chart(pooled_table, dimension=dimension,
                                                             band=report.details["equity_band"],
                                                             confidence_level=level), f"equity_pooled_{dimension}")
show_table(pooled_table, 2, confidence_level=level, columns=[
    "dimension", "category", "participants", "eligible", "rate_per_1000", "representation_index",
    "relative_likelihood", "rl_ci_low", "rl_ci_high", "band", "benchmark", "suppressed"])

# %% [markdown]
# ## Where the programme works and where it is blocked
#
# Change on the programme's main outcome (participants' own ratings) and on the behaviour line
# managers observed, by framework area, role level and sector, and by framework area × role
# level and role level × sector, with every cohort's people pooled: a group too small to show
# anything in one cohort may show it across all of them. A group is *blocked* when its completion
# is clearly below the programme's, or when its change is not clearly an improvement. Groups too
# small to show, or whose numbers would let a small group be worked out (here or by subtracting
# what the cohort reports show), are left out.

# %%
from evaluation.reports.programme_report import where

where_table = publish.table("where_it_works", report.tables["where_it_works"], display=False)

# %% tags=["nbval-check-output"]
display(Markdown(link_terms(report.summaries["where"], terms)))

# %%
from evaluation.viz.programme_where_plots import where_plot

where_panels = [(p.scale, p.rater) for p in where.headline_populations(data)]
publish.figure(where_plot(where_table, where_panels, titles=next(iter(data)).titles, confidence_level=level),
               "where_it_works")

# %% tags=["nbval-check-output"]
show_table(where_table, rows=where_table["dimension"].isin(["all", *where.DIMENSIONS]), name="where_it_works",
           titles=outcome_titles, confidence_level=level,
           caption="Change by group, pooled over cohorts (the crossings are in the full table)")

# %% [markdown]
# **Method.** Each group's change is the mean over all its people with ratings at both waves, in
# every cohort, with cohort as a stratum: the interval uses the spread of changes within each
# cohort (degrees of freedom: pairs − cohorts), so differences between cohorts are not counted as
# noise. *Clear improvement* means the interval lies wholly above no change. Reliable improvement
# uses each cohort's own reliability (Jacobson and Truax). Completion is *clearly low* when the
# group's interval lies wholly below the programme's completion share.
#
# **Interview frame (evaluators only).** For Brinkerhoff's Success Case Method, the strongest
# and weakest changers of each group are listed by pseudonymised identifier in a file kept with
# the evaluator's data, never in this report.

# %%
if output_dir:
    from evaluation.core.text import md
    from evaluation.reports.programme_report import success_cases

    frame = success_cases.success_cases(data)
    success_cases.write_success_cases(frame, data_dir or None, programme)
    display(Markdown(f"*The interview frame ({len(frame)} rows) is written to "
                     f"`disclosure_logs/{md(programme)}/success_cases.csv` in the evaluator's data folder, "
                     "not to this report.*"))
else:
    display(Markdown("*The interview frame is written only when the report is published.*"))

# %% [markdown]
# ## Data notes
#
# What the workbench noted while building this report, e.g. that there was only one cohort to
# pool, or that a number is withheld for a whole dimension because no smaller choice of groups
# protects a small one.

# %%
if len(report.tables["notes"]):
    publish.table("notes", report.tables["notes"])
else:
    display(Markdown("*None.*"))

# %% [markdown]
# ## The evidence, in a table
#
# The summary at the top, one row per question, as `tables/evidence_summary.csv`.

# %% tags=["nbval-check-output"]
show_table(report.tables["evidence_summary"], columns=["asks", "strength", "design", "consistency", "level_3_evidence",
                                                       "would_strengthen"])

# %%
publish.findings(list(report.findings))

# %% tags=["nbval-check-output"]
display(Markdown(glossary_markdown(terms)))
