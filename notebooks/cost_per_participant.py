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
# # Cost per participant
#
# What a place on one cohort of a leadership programme cost, fully loaded and in real prices;
# what it cost per participant who completed and per participant who reliably improved; how
# sure we can be; how the cost changes as the programme grows; and how it compares with
# published benchmarks, other cohorts and the other programme. It is produced by the evaluation
# workbench from the cohort's data and parameters; every number in it is also in `tables/` and
# `findings.json`.

# %% tags=["parameters"]
programme = "leading-to-deliver"
cohort = 2
data_dir = ""  # empty: the repository's data/
params_dir = ""  # empty: the repository's params/
output_dir = ""  # empty: display only; "." (as `evaluate` runs it): write tables, figures, findings here

# %%
from IPython.display import Markdown, display  # noqa: E402

from evaluation.data.cohort import load_cohort_data
from evaluation.publish.publisher import Publisher
from evaluation.reports import cost_report
from evaluation.reports.display import show_table
from evaluation.reports.glossary import REPORT_TERMS, glossary_markdown, link_terms
from evaluation.viz import cost_plots

data = load_cohort_data(programme, cohort, data_dir=data_dir or None, params_dir=params_dir or None)
tables = cost_report.cost_tables(data, data_dir=data_dir or None, params_dir=params_dir or None)
publish = Publisher(output_dir or None, notebook="cost_per_participant")
ledger = tables["cohort_costs"].ledger
year = ledger.base_year

# %% tags=["nbval-check-output"]
display(Markdown(link_terms(cost_report.cost_summary_markdown(tables, data), REPORT_TERMS["cost_per_participant"])))

# %% [markdown]
# ## The cost summary
#
# Each figure is one of two views (the column "Cash or economic"): the **cash** cost, what the
# commissioner pays, participants' time excluded; and the **economic** cost, with participants'
# time included as an opportunity cost. A figure that is the same in both views, because
# participants' time never enters it, is labelled "cash and economic"; a cash
# figure leaves participants' time out of a total, so it is labelled "cash" alone. The economic
# cost is the fixed part plus the per-participant cost times the number enrolled. The fixed part
# holds every cost that does not depend on the number of participants, including the cohort's
# share of any programme-level costs (the cost ledger below lists them), apportioned by enrolled
# participants; the per-participant part holds
# every per-participant line and participants' own time. The cost of another cohort is the
# cohort's own fixed costs plus the per-participant costs of the same number of places: the
# programme-level costs are spent once and not again. Only the cost per reliable improver, into
# which an outcome measured with error enters, has a confidence interval (a bootstrap interval,
# see below); the other figures are worked out for the whole cohort, not estimated from a sample,
# and their uncertain inputs, such as the value of participants' time, are varied in the
# sensitivity (tornado) charts.
#
# In `tables/cost_summary.csv` the measures keep their codes: the economic ones are the
# contract's (`total_cost` = `fixed_cost` + `variable_cost_per_participant` × enrolled, and so
# on), the cash ones begin `cash_`, and the column `view` is `cash`, `economic` or `both`.
# Participants' time comes from the programme's cost records (`costs.csv`, lines of category
# `participant_time`, or `backfill` for cover bought in their place) or, without such lines, from
# the hours attended × the hourly staff costs by role level in `programme.yaml`
# (`staff_hourly_cost`); programme-level cost lines are those of `costs.csv` with a blank `cohort`.

# %% tags=["nbval-check-output"]
publish.table("cost_summary", tables["cost_summary"], display=False)
show_table(tables["cost_summary"], confidence_level=data.cohort.confidence_level, columns=[
    "measure", "view", "value", "ci_low", "ci_high", "unit", "description"])

# %% [markdown]
# ## Costs by category
#
# Each category's cost to the cohort in real prices, with its share of the economic total and,
# for what the commissioner pays ("cash and economic"), of the cash cost; participants' time is
# in the economic cost only, labelled "economic (with participants' time)".

# %% tags=["nbval-check-output"]
publish.figure(cost_plots.category_chart(tables["costs_by_category"]), "costs_by_category")
publish.table("costs_by_category", tables["costs_by_category"], display=False)
show_table(tables["costs_by_category"], 3, price_base_year=year, columns=["category", "basis", "view", "amount", "share",
                                                                         "share_of_cash"])

# %% [markdown]
# ## The cost ledger
#
# Every cost line that falls on the cohort: its nominal amount in the year it was priced, the
# deflator factor (D_base / D_year), the real amount and how many times it counts (1 for a
# cohort's fixed line; for a programme-level line, the cohort's share, written as the cohort's
# places over the programme's, such as 104/514; the number enrolled for a per-participant line):
# the amount × the factor × the times counted gives the real total, to within a pound.

# %%
publish.table("cost_ledger", tables["cost_ledger"], display=False)
show_table(cost_report.ledger_for_reading(ledger), 2, caption=f"Amounts in the prices of their year; real amounts in £, {year} prices",
           columns=[
    "level", "category", "description", "basis", "price_year", "amount", "deflator_factor", "real_amount",
    "quantity", "real_total"])

# %% [markdown]
# ## Fixed and per-participant costs: the cost curve
#
# A cohort of n participants costs a fixed amount F plus v for each participant: C(n) = F + v·n,
# in economic cost (participants' time included), as the chart and the table below give it. As
# the programme grows, each new cohort brings its own fixed costs again (facilitation,
# co-ordination), while the programme's one-off costs are spent once: within a cohort the average cost
# per participant falls towards v, but it jumps whenever a new cohort starts, so it stays above v.

# %%
publish.figure(cost_plots.cost_curve_chart(tables["cost_curve"], enrolled=ledger.enrolled), "cost_curve")
publish.table("cost_curve", tables["cost_curve"], display=False)
show_table(tables["cost_curve"], price_base_year=year, name="cost_curve", rows=tables["cost_curve"]["participants"].isin(
    [1, 10, 25, 50, ledger.enrolled, 2 * ledger.enrolled, 3 * ledger.enrolled]), columns=[
    "participants", "cohorts", "total_cost", "average_cost", "marginal_cost"])

# %% [markdown]
# ## Sensitivity: the tornado charts
#
# One uncertain input varies at a time between a low and a high value, the others staying at
# their base values; the table says the range tried and why ("Why this range"): the hourly cost of
# participants' time (×0.8 to ×1.2), their hours on the programme (×0.75 to ×1.5), the share of
# the programme's one-off costs the cohort bears (apportioned by enrolment, or in equal shares per
# cohort) and the share who reliably improved (the ends of its Wilson interval at the cohort's
# confidence level). What was paid (the cash cost lines), enrolment and completion are not
# varied; the value of participants' time is, whether it was worked out from the hours attended
# or given as a cost line, as it rests on hours and an hourly cost either way. Nor is the price
# base year varied: a choice of units moves every figure in proportion and says nothing about
# the resources used.

# %% tags=["nbval-check-output"]
publish.figure(cost_plots.tornado_chart(tables["tornado"], measure="cost_per_completer"), "cost_tornado_completer")
publish.figure(cost_plots.tornado_chart(tables["tornado"], measure="cost_per_reliable_improver"),
               "cost_tornado_improver")
publish.table("cost_tornado", tables["tornado"], display=False)
show_table(tables["tornado"], 0, price_base_year=year, **cost_report.TORNADO_DISPLAY)

# %% [markdown]
# ## How sure we are: the bootstrap
#
# Both the cash and the economic cost per reliable improver have a confidence interval, and no
# other figure has one: whether someone reliably improved is measured with error. The other figures are worked out for the whole
# cohort, not estimated from a sample, so they have no sampling error; their uncertain inputs, such
# as the value of participants' time, are varied in the sensitivity (tornado) charts above. The
# participants were
# resampled with replacement, each keeping their own cost and improvement together; the
# interval holds the middle of the resampled figures at the cohort's confidence level (the
# summary above gives its percentage). A resample with nobody in the denominator has no finite
# cost per head; it is counted, and a limit that falls among such resamples is left blank in the
# CSV file (— in the table on this page). The seed is that of the random-number generator that
# drew the resamples: the same seed gives the same interval.

# %% tags=["nbval-check-output"]
publish.figure(cost_plots.bootstrap_chart(tables["bootstrap_draws"], tables["bootstrap"],
                                          confidence_level=data.cohort.confidence_level), "cost_bootstrap")
publish.table("cost_bootstrap", tables["bootstrap"], display=False)
show_table(tables["bootstrap"], 0, confidence_level=data.cohort.confidence_level, formats={"se": "money"},
           columns=["measure", "value", "ci_low", "ci_high", "unit", "se", "undefined_draws",
                                                   "resamples", "seed"])

# %% [markdown]
# ## Who reliably improved
#
# Reliable improvement on the cohort's primary scale, self-rated, between the two questionnaires
# its outcomes compare first, normally before and after the programme (Jacobson & Truax reliable
# change index above 1.96); the table's second row names the scale and the questionnaires.
# Participants without both scores are counted as not improved when the cost per reliable
# improver is worked out.

# %% tags=["nbval-check-output"]
publish.table("cost_reliable_improvement", tables["reliable_improvement"], display=False)
show_table(tables["reliable_improvement"], 3, columns=["stage", "n", "share_of_enrolled", "definition"])

# %% [markdown]
# ## Against published benchmarks
#
# Source: Scottish Government (2008), *Evaluation of Leading to Deliver*, chapter 6: residential
# programmes at £4,000 or more per participant and non-residential or e-learning programmes at
# £1,000–2,000. The report does not state its price year; they are taken to be in 2008 prices
# (its year of publication) and converted to the report's base year. Each row names its source
# ("Source") and its price year ("Price year"; "Price year from" says where that year comes
# from). Published programme costs rarely include participants' own time, so the comparable
# figure is the cash cost per place.

# %% tags=["nbval-check-output"]
publish.figure(cost_plots.benchmark_chart(tables["benchmarks"]), "cost_benchmarks")
publish.table("cost_benchmarks", tables["benchmarks"], display=False)
show_table(tables["benchmarks"], 0, formats=dict.fromkeys(["low", "high"], "money"),
           caption=f"Low and high in the prices of their year; real figures in £, {year} prices", columns=[
    "item", "citation", "low", "high", "price_year", "price_year_basis", "low_real", "high_real"])

# %% [markdown]
# ## Across cohorts and programmes
#
# Every cohort of both programmes with data, costed in the same base-year prices: cash and
# economic cost per enrolled participant, economic cost per completer and per reliable improver
# (only the last with a bootstrap interval: the others are not estimated from a sample); and each
# programme over all its cohorts.

# %% tags=["nbval-check-output"]
comparison = tables["programme_comparison"]
if (comparison["level"] == "cohort").any():
    publish.figure(cost_plots.comparison_chart(
        comparison, ("cash_cost_per_enrolled", "cost_per_enrolled", "cost_per_reliable_improver"),
        confidence_level=data.cohort.confidence_level), "cost_programme_comparison")
publish.table("cost_programme_comparison", comparison, display=False)
show_table(comparison, 0, price_base_year=year, confidence_level=data.cohort.confidence_level, columns=[
    "programme_title", "level", "cohort", "year", "enrolled", "completed", "reliable_improvers",
    "cash_cost_per_enrolled", "cost_per_enrolled", "cost_per_completer", "cost_per_reliable_improver",
    "cost_per_reliable_improver_ci_low",
    "cost_per_reliable_improver_ci_high", "participant_time_source"])

# %% [markdown]
# ## Benefits and the outcomes not converted to money
#
# When monetised benefits are supplied, the Phillips benefit–cost ratio, benefits / costs, and the
# return on investment, (benefits − costs) / costs × 100, are given, with benefits spread over
# several years discounted at the Green Book rate. The outcomes below stay in their own units
# (the benefits Phillips calls intangible): the change on every scale between the two questionnaires the cohort's
# outcomes compare first, normally before and after the programme.

# %% tags=["nbval-check-output"]
if "benefit_cost" in tables:
    publish.table("cost_benefit", tables["benefit_cost"], display=False)
    show_table(tables["benefit_cost"], 2)
else:
    display(Markdown("*No monetised benefits were supplied: no benefit–cost ratio or return on investment.*"))
publish.table("cost_non_monetised_outcomes", tables["non_monetised"], display=False)
show_table(tables["non_monetised"], 2, confidence_level=data.cohort.confidence_level, columns=[
    "title", "kirkpatrick_level", "rater", "n_pairs", "mean_change", "change_ci_low", "change_ci_high",
    "rci_improved"])

# %% [markdown]
# ## Data notes
#
# Figures that could not be computed, and cohorts or programmes left out of the comparison,
# with the reasons.

# %%
if len(tables["notes"]):
    publish.table("cost_notes", tables["notes"])
else:
    display(Markdown("*None.*"))

# %%
publish.findings(cost_report.cost_findings(tables, data))

# %% [markdown]
# ## Methods
#
# Real prices: real = nominal × D_base / D_year with the HM Treasury GDP deflator at market
# prices; the base year is the cohort's parameter `price_base_year`. Fully loaded costs (Phillips &
# Phillips): needs assessment and design prorated over the cohorts they serve (by enrolled
# participants), delivery, venue, materials, travel, accreditation, management, evaluation, and
# participants' time — from participant-time cost lines when there are any, otherwise the hours
# each participant attended (sessions attended × hours per session; the whole programme when
# attendance is not recorded) × the hourly cost of their role level (salary, on-costs and
# overheads, PSSRU schema), deflated from the hourly costs' price year; backfill, when bought,
# replaces participants' time. C(n) = F + v·n is the economic cost; the cash cost leaves out
# participants' time (and backfill). The marginal cost of one more participant is v and of one
# more cohort of the same size its own fixed costs + v·n (cash: without participants' time);
# programme-level fixed costs are spent once. Cost per enrolled, per completer and per reliable
# improver divide the total by the number enrolled, completed and reliably improved. Figures worked
# out for the whole cohort, not estimated from a sample, have no confidence interval (their
# uncertain inputs are varied in the sensitivity analysis); the cost per reliable improver has a
# bootstrap interval: participants
# resampled with their cost and outcome together (Campbell & Torgerson 1999), percentile
# intervals, seeded. Costs are historical outturn and
# are not discounted; Green Book discounting (3.5%) applies only to benefits spread over several
# years.

# %%
display(Markdown(glossary_markdown(REPORT_TERMS["cost_per_participant"])))
