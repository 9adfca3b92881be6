"""The glossary's entries: each technical term the reports use, in one or two plain sentences
with its source (:mod:`evaluation.reports.glossary` writes them into the reports)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ENTRIES", "Entry"]


@dataclass(frozen=True)
class Entry:
    """One glossary entry: the term as headed, what it means, where it comes from, and how the
    reports write it (a regular expression; the first use it matches is linked)."""

    key: str
    term: str
    definition: str
    source: str
    pattern: str

    @property
    def anchor(self) -> str:
        """The id of the entry in the report: ``glossary-<key>`` with hyphens."""
        return "glossary-" + self.key.replace("_", "-")

    @property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern)


ENTRIES = [
    Entry("confidence_interval", "Confidence interval (CI)",
          "The range of values compatible with the data at the stated confidence (usually 95%). A narrow range "
          "means a precise estimate; a range of change that excludes zero is evidence of a real change, though when "
          "many ranges are looked at together an occasional one excludes zero by chance.",
          "Altman, Machin, Bryant & Gardner (2000), Statistics with Confidence, BMJ Books.",
          r"(?i:confidence intervals?)|\bCIs?\b"),
    Entry("p_value", "p-value",
          "How often a difference at least as large as the one seen would arise by chance if there were really "
          "none. Small values (below 0.05) count as evidence of a difference; very small ones are shown as "
          "\"< 0.001\".",
          "Wasserstein & Lazar (2016), The ASA statement on p-values, The American Statistician 70:129–133.",
          r"\b(?i:p-values?)"),
    Entry("holm", "Holm adjustment",
          "A correction for testing several scales at once: the p-values are adjusted so that the chance of "
          "calling any unchanged scale \"clearly changed\" stays at 5% across all of them.",
          "Holm (1979), A simple sequentially rejective multiple test procedure, Scandinavian Journal of "
          "Statistics 6:65–70.",
          r"\bHolm\b(?:(?: adjustment| method|'s method))?"),
    Entry("benjamini_hochberg", "Benjamini-Hochberg adjustment",
          "A correction for testing several scales at once that keeps the expected share of false findings among "
          "the clear ones at 5%; less strict than Holm's.",
          "Benjamini & Hochberg (1995), Journal of the Royal Statistical Society B 57:289–300.",
          r"Benjamini[–-]Hochberg"),
    Entry("clear_change", "Clear change",
          "A scale changed clearly when its p-value, adjusted for testing several scales, is below one minus the "
          "confidence level (0.05 at 95% confidence), or, pooled over cohorts, when its interval lies wholly "
          "above or below zero. The interval quoted beside a cohort's verdict is not adjusted, so it can lie wholly "
          "on one side of zero while the change is not clear (it would be clear were that scale the only one "
          "tested).",
          "This workbench's methods (docs/methods.md).",
          r"(?i:\bclear(?:ly)? change[sd]?\b)"),
    Entry("reliable_change", "Reliable change (Jacobson & Truax)",
          "A person's change counts as reliable when it is larger than measurement error alone would produce 95 "
          "times in 100 (the reliable change index is above 1.96); a reliable improver is a participant whose "
          "change is reliable and in the better direction.",
          "Jacobson & Truax (1991), Clinical significance, Journal of Consulting and Clinical Psychology "
          "59:12–19.",
          r"(?i:reliable change(?: index)?|reliabl[ey] improve(?:d|ment|rs?)?\b|Jacobson (?:&amp;|&|and) Truax)"),
    Entry("g_av", "Hedges' g_av (effect size)",
          "The mean change divided by the average of the before and after standard deviations, corrected for "
          "small samples: a change in standard units. As a rough guide 0.2 is small, 0.5 medium and 0.8 large.",
          "Lakens (2013), Calculating and reporting effect sizes, Frontiers in Psychology 4:863.",
          r"(?:Hedges'? )?\bg(?:\\?_av|<sub>av</sub>)"),
    Entry("d_z", "d_z (effect size for paired change)",
          "The mean change divided by the standard deviation of the individual changes. It matches the paired "
          "t-test but is larger than g_av whenever before and after scores go together, so it is not read with the "
          "small / medium / large labels.",
          "Lakens (2013), Frontiers in Psychology 4:863.",
          r"\bd(?:\\?_z|<sub>z</sub>)"),
    Entry("hedges_g", "Hedges' g (between groups)",
          "The difference between two groups' means divided by their pooled standard deviation, corrected for "
          "small samples; used here to compare the starting scores of those with and without a score at the end.",
          "Hedges (1981), Journal of Educational Statistics 6:107–128.",
          r"Hedges'? g(?!\\?_|<sub>)\b"),
    Entry("paired_t", "Paired t-test",
          "The test of whether the mean change of the same people between two questionnaires differs from zero; "
          "it gives the confidence interval of the mean change.",
          "Student (1908), The probable error of a mean, Biometrika 6:1–25.",
          r"(?i:paired t(?:-test|-interval)?\b)"),
    Entry("wilcoxon", "Wilcoxon signed-rank test",
          "A check on the paired t-test that uses only the order of the changes, not their size, so a few "
          "extreme changes cannot drive it.",
          "Wilcoxon (1945), Biometrics Bulletin 1:80–83; computed as R's wilcox.test(paired = TRUE).",
          r"\bWilcoxon\b(?: signed-rank(?: test)?)?"),
    Entry("welch", "Welch's t-test",
          "A comparison of two groups' means that does not assume the groups vary equally.",
          "Welch (1947), Biometrika 34:28–35.",
          r"\bWelch(?:'s)?(?: t-test)?"),
    Entry("mixed_model", "Mixed model",
          "A regression that uses every score of every participant, including those who missed a questionnaire, "
          "allowing for each person's own starting level (a random intercept).",
          "Pinheiro & Bates (2000), Mixed-Effects Models in S and S-PLUS, Springer; standard errors as lme4 and "
          "lmerTest (Kuznetsova et al. 2017).",
          r"(?i:(?:linear )?mixed(?:-effects)? model)"),
    Entry("cronbach_alpha", "Cronbach's alpha",
          "How consistently a scale's items measure the same thing, from 0 to 1; 0.7 or more is usually taken as "
          "acceptable. It is the reliability used for reliable change.",
          "Cronbach (1951), Psychometrika 16:297–334; interval by Feldt (1965).",
          r"Cronbach'?s alpha"),
    Entry("mcdonald_omega", "McDonald's omega",
          "Another measure of a scale's reliability, from a one-factor model; read like Cronbach's alpha.",
          "McDonald (1999), Test Theory: A Unified Treatment, Erlbaum.",
          r"McDonald'?s omega"),
    Entry("then_test", "Then-test (response shift)",
          "A retrospective pre-test: after the programme participants rate how they were before it, so that both "
          "ratings use the same, later, standard. The gap from the original pre-test is the response shift.",
          "Howard (1980), Response-shift bias, Applied Psychological Measurement 4:93–106.",
          r"(?i:then-test|response shift)"),
    Entry("kirkpatrick", "Kirkpatrick levels",
          "Four levels of training evaluation: 1 reaction (what participants thought of it), 2 learning, "
          "3 behaviour at work, 4 results for the organisation and the people it serves.",
          "Kirkpatrick & Kirkpatrick (2006), Evaluating Training Programs, 3rd ed., Berrett-Koehler.",
          r"\bKirkpatrick(?: levels?(?: \d)?)?"),
    Entry("maryland", "Maryland Scientific Methods Scale",
          "A five-level rating of how well a study design can show cause and effect. Level 1, a before-and-after "
          "comparison of one group, can describe change but not attribute it to the programme; level 3 adds a "
          "comparison group measured before and after too, not chosen at random, so the groups may still differ.",
          "Sherman et al. (1997), Preventing Crime, University of Maryland; What Works Centre for Local Economic "
          "Growth (2016).",
          r"\bMaryland(?: Scientific Methods Scale| scale)?(?: level \d)?"),
    Entry("eligible_population", "Eligible population",
          "The staff the programme is meant for (for example first-line and middle managers) in the cohort's year "
          "or the nearest year available: the denominator of every rate, share and likelihood in the equity "
          "report.",
          "This workbench's methods (docs/methods.md); reference figures in data/raw/reference/workforce.csv.",
          r"(?i:eligible (?:population|workforce|staff))"),
    Entry("relative_likelihood", "Relative likelihood",
          "A group's rate of places divided by the rate of a reference group: 1 means the same chance of a place, "
          "0.5 half the chance, 2 twice the chance.",
          "NHS England, Workforce Race Equality Standard technical guidance, indicator 4.",
          r"(?i:relative likelihoods?)"),
    Entry("katz", "Katz interval",
          "The usual confidence interval for a ratio of two rates, worked out on the log scale; with no places in "
          "a group, 0.5 is added to the counts so that it can still be given.",
          "Katz, Baptista, Azen & Pike (1978), Biometrics 34:469–474.",
          r"\bKatz\b(?: log)?(?: confidence)?(?: interval)?"),
    Entry("representation_index", "Representation index",
          "100 × a group's share of places ÷ its share of the eligible population: 100 is in proportion, below "
          "100 under-represented, above 100 over-represented.",
          "This workbench's methods (docs/methods.md), as used in workforce equality monitoring.",
          r"(?i:representation index)"),
    Entry("band", "The band (four-fifths rule)",
          "Relative likelihoods between 0.80 and 1.25 are treated as equal access. A group is within the band only "
          "when its whole confidence interval lies inside it, shows a disparity when the interval excludes 1 and "
          "the estimate lies outside, and is inconclusive otherwise.",
          "US Uniform Guidelines on Employee Selection Procedures (1978), 29 CFR 1607.4(D), applied both ways.",
          r"(?i:four-fifths rule|within the band)"),
    Entry("goodness_of_fit", "Goodness-of-fit test",
          "A test of whether the spread of places over a characteristic's groups could have come from choosing "
          "participants at random from the eligible population (Pearson's chi-square, or a simulated exact "
          "test for small groups); a small p-value means it probably could not.",
          "Agresti (2013), Categorical Data Analysis, 3rd ed., Wiley.",
          r"(?i:goodness[- ]of[- ]fit(?: tests?)?|chi-square(?: test)?)"),
    Entry("gini", "Gini coefficient",
          "How unevenly places are spread across council areas compared with their eligible staff: 0 means places "
          "exactly in proportion, values towards 1 mean places concentrated in a few areas.",
          "Brown (1994), Using Gini-style indices to evaluate the spatial patterns of health practitioners, "
          "Social Science & Medicine 38:1243–1256.",
          r"\bGini\b(?: coefficient)?"),
    Entry("lorenz", "Lorenz curve",
          "The council areas ordered from the lowest rate of places to the highest, plotting their cumulative "
          "share of places against their cumulative share of staff; the diagonal is equal access.",
          "Lorenz (1905), Publications of the American Statistical Association 9:209–219.",
          r"(?i:Lorenz curve)"),
    Entry("wilson", "Wilson interval",
          "The confidence interval used for a proportion, such as the share of a group who completed; it behaves "
          "well for small groups and for shares near 0% or 100%.",
          "Wilson (1927), Journal of the American Statistical Association 22:209–212.",
          r"\bWilson\b(?: score)?(?: confidence)?(?: interval)?"),
    Entry("protected_characteristics", "Protected characteristics",
          "The characteristics the Equality Act 2010 protects, such as age, disability, race and sex; public "
          "bodies must have due regard to equality of opportunity between people who share them and people who do "
          "not (the public sector equality duty).",
          "Equality Act 2010, sections 4 and 149.",
          r"(?i:protected characteristics?|public sector equality duty|Equality Act(?: 2010)?)"),
    Entry("disclosure_control", "Disclosure control (suppression)",
          "Counts of fewer people in a group than the disclosure threshold (5 unless the cohort's parameters say "
          "otherwise), and any figure from which such a count could be worked out, are withheld (shown as —, the "
          "mark also of a figure that could not be computed) so that no individual can be recognised.",
          "Government Statistical Service (2014), Disclosure control guidance for tables produced from "
          "administrative sources.",
          r"(?i:disclosure control|suppress(?:ed|ion)|withheld)"),
    Entry("price_base_year", "Price base year",
          "The year whose prices all money is given in; amounts spent in other years are converted with the HM "
          "Treasury GDP deflator so that years can be compared.",
          "HM Treasury (2022), The Green Book, annex on real and nominal prices.",
          r"(?i:price base(?: year)?|\b\d{4} prices)"),
    Entry("gdp_deflator", "GDP deflator",
          "HM Treasury's index of prices across the whole economy, used to convert money from one year's prices "
          "to another's.",
          "HM Treasury, GDP deflators at market prices, and money GDP.",
          r"\bGDP deflators?"),
    Entry("cash_cost", "Cash cost and economic cost",
          "Cash cost is what the commissioner pays for the programme. Economic cost adds the value of "
          "participants' time away from their work (an opportunity cost), which the employer bears, and any "
          "backfill: paying someone to cover a participant's work while they take part.",
          "HM Treasury (2022), The Green Book; Phillips & Phillips (2016), Handbook of Training Evaluation and "
          "Measurement Methods.",
          r"(?i:cash cost|economic cost|opportunity cost|backfill)"),
    Entry("fully_loaded", "Fully loaded cost",
          "Every cost of the programme, including its design, management, evaluation, a share of the one-off costs "
          "shared between cohorts and "
          "participants' time, not only the fees paid for delivery.",
          "Phillips & Phillips (2016), Handbook of Training Evaluation and Measurement Methods, 4th ed.",
          r"(?i:fully[- ]loaded)"),
    Entry("fixed_cost", "Fixed and per-participant costs",
          "Fixed costs do not change with the number of participants (facilitation, co-ordination); "
          "per-participant costs are paid for each one (venue, materials, their time). The cost of a cohort is "
          "the fixed part plus the per-participant cost times the number enrolled.",
          "Levin & McEwan (2001), Cost-Effectiveness Analysis, 2nd ed., Sage.",
          r"(?i:fixed costs?|per-participant costs?)"),
    Entry("marginal_cost", "Marginal cost",
          "What one more participant, or one more cohort, would add to the total cost.",
          "HM Treasury (2022), The Green Book.",
          r"(?i:marginal cost)"),
    Entry("bootstrap", "Bootstrap interval",
          "The participants are drawn again at random, with replacement, thousands of times and the figure worked "
          "out each time; the middle 95% of the results is the interval. It shows how much a figure depends on who "
          "happened to take part.",
          "Efron & Tibshirani (1993), An Introduction to the Bootstrap; Campbell & Torgerson (1999), Bootstrapping: "
          "estimating confidence intervals for cost-effectiveness ratios, QJM 92:177–182.",
          r"(?i:bootstrap(?:ped)?(?: intervals?)?)"),
    Entry("tornado", "Tornado chart (sensitivity analysis)",
          "Each uncertain input is moved from a low to a high value, one at a time, and the result recomputed; "
          "the longest bars show the inputs the figure depends on most.",
          "HM Treasury (2022), The Green Book, on sensitivity analysis.",
          r"(?i:tornado(?: charts?)?|sensitivity analysis)"),
    Entry("benefit_cost_ratio", "Benefit-cost ratio and return on investment",
          "The money value of a programme's benefits divided by its costs, and the net benefit as a percentage of "
          "the costs; both need benefits converted to money.",
          "Phillips (1997), Return on Investment in Training and Performance Improvement Programs.",
          r"(?i:benefit[–-]cost ratio|return on investment)"),
    Entry("discounting", "Discounting",
          "Money in future years counts for less than money now; the Green Book discounts it at 3.5% a year. Used "
          "only when costs or benefits span several years.",
          "HM Treasury (2022), The Green Book.",
          r"(?i:discount(?:ed|ing)\b)"),
    Entry("random_effects", "Random-effects pooling",
          "Combining the cohorts' results into one estimate, weighting each by its precision, while allowing the "
          "programme's true effect to differ from cohort to cohort. It answers \"what does the programme achieve on "
          "average across cohorts like these?\"",
          "Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis, Wiley, chapter 12.",
          r"(?i:random[- ]effects?(?: pool(?:ing|ed)| model| estimate)?|pooled estimates?)"),
    Entry("heterogeneity", "Heterogeneity (τ², I², Q)",
          "How much the cohorts' results differ by more than chance would make them: τ² is the variance of the true "
          "effects between cohorts, I² the share of the spread that is real rather than chance, and Q the test of "
          "whether there is any. With few cohorts all three are imprecise.",
          "Higgins & Thompson (2002), Quantifying heterogeneity in a meta-analysis, Statistics in Medicine "
          "21:1539–1558.",
          r"(?i:heterogeneity|between-cohort variation)|τ²|\bI²|\bI-squared\b"),
    Entry("prediction_interval", "Prediction interval",
          "The range in which the result of the programme's next cohort is likely to fall, given how much the "
          "cohorts so far have differed. It is wider than the confidence interval of the pooled estimate.",
          "IntHout, Ioannidis, Rovers & Goeman (2016), Plea for routinely presenting prediction intervals in "
          "meta-analysis, BMJ Open 6:e010247.",
          r"(?i:prediction intervals?)"),
    Entry("hksj", "Hartung-Knapp interval",
          "A confidence interval for a pooled estimate that uses the t distribution and the observed spread between "
          "cohorts, so that it is not too narrow when there are few cohorts; the workbench never lets it be "
          "narrower than the usual (Wald) interval.",
          "Hartung & Knapp (2001), Statistics in Medicine 20:3875–3889; Knapp & Hartung (2003), Biometrics "
          "59:1015–1021 (the ad hoc correction).",
          r"(?i:Hartung[–-]Knapp(?:[–-]Sidik[–-]Jonkman)?(?: interval)?|HKSJ)"),
    Entry("difference_in_differences", "Difference-in-differences",
          "The change in the programme's participants minus the change in a comparison group that did not take "
          "part, over the same time: the part of the change that the comparison group did not also show.",
          "Angrist & Pischke (2009), Mostly Harmless Econometrics, chapter 5.",
          r"(?i:difference[- ]in[- ]differences?)"),
    Entry("d_ppc2", "d_ppc2 (standardised difference in change)",
          "The difference-in-differences in standard deviations of the scores before the programme, corrected for "
          "small groups: like Hedges' g, 0.2 is small, 0.5 medium and 0.8 large.",
          "Morris (2008), Estimating effect sizes from pretest-posttest-control group designs, Organizational "
          "Research Methods 11:364–386.",
          r"\bd_?ppc2\b"),
    Entry("trend_test", "Test for trend across cohorts",
          "Whether a share (for example of people who reliably improved) rises or falls steadily with the cohorts' "
          "years, rather than differing by chance: the Cochran-Armitage test. A rise or fall is stated only when "
          "it is clear.",
          "Armitage (1955), Tests for linear trends in proportions and frequencies, Biometrics 11:375–386.",
          r"(?i:Cochran[–-]Armitage(?: test)?|test for trend)"),
    Entry("mantel_haenszel", "Mantel-Haenszel pooling",
          "Combining the cohorts' relative likelihoods of a place by comparing like with like within each cohort "
          "first, so that differences between cohorts' years and sizes do not pose as differences between groups.",
          "Mantel & Haenszel (1959), Journal of the National Cancer Institute 22:719–748; Greenland & Robins "
          "(1985), Biometrics 41:55–68.",
          r"(?i:Mantel[–-]Haenszel)"),
    Entry("pssru", "PSSRU unit costs",
          "The standard schema for the cost of an hour of a social care worker's time: salary, on-costs and "
          "overheads over working hours.",
          "Curtis & Burns, Unit Costs of Health and Social Care, PSSRU (annual).",
          r"\bPSSRU\b"),
]
