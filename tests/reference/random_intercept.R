# Reference values for tests/test_random_intercept.py (issue 13, item 2).
# Run once, from the repository root:  Rscript tests/reference/random_intercept.R
# R 4.2.2, lme4 1.1-31, lmerTest 3.1-3. The tests never call R; they hold the numbers printed
# here, with the R call written above each assertion.
# Data: tests/data/sleepstudy.csv (write.csv(lme4::sleepstudy)); tests/reference/
# random_intercept_unbalanced.csv (40 participants, 4 waves, 120 of 160 scores: missing waves;
# generated once with numpy, seed 20261127) and random_intercept_boundary.csv (9 participants x
# 3 waves with equal participant means: the participant variance is estimated as 0).
suppressPackageStartupMessages({library(lme4); library(lmerTest)})
options(digits = 15)
show <- function(label, x) cat(sprintf("%-34s %s\n", label, paste(format(x, digits = 15), collapse = "  ")))
report <- function(fit) {
  co <- summary(fit)$coefficients               # lmerTest: Satterthwaite df
  show("estimate", co[, "Estimate"])
  show("se", co[, "Std. Error"])
  show("df", co[, "df"])
  show("p", co[, "Pr(>|t|)"])
  ci <- as.data.frame(contest(fit, diag(length(fixef(fit))), joint = FALSE, confint = TRUE))
  show("ci lower", ci$lower)
  show("ci upper", ci$upper)
  show("VarCorr vcov", as.data.frame(VarCorr(fit))$vcov)
  show("theta", getME(fit, "theta"))
  show("REMLcrit", REMLcrit(fit))
  show("isSingular", isSingular(fit))
}

ss <- read.csv("tests/data/sleepstudy.csv")
ss$Subject <- factor(ss$Subject)
cat("\n## lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = TRUE)\n")
report(lmer(Reaction ~ Days + (1 | Subject), ss, REML = TRUE))

cat("\n## lmer(Reaction ~ factor(Days) + (1 | Subject), ss_u, REML = TRUE); ss_u: every 7th row dropped\n")
ss_u <- ss[seq_len(nrow(ss)) %% 7 != 0, ]
report(lmer(Reaction ~ factor(Days) + (1 | Subject), ss_u, REML = TRUE))

cat("\n## unbalanced, missing waves: lmer(score ~ wave + (1 | participant), REML = TRUE)\n")
ub <- read.csv("tests/reference/random_intercept_unbalanced.csv")
ub$wave <- factor(ub$wave, levels = c("pre", "post", "follow_up", "late"))
report(lmer(score ~ wave + (1 | participant), ub, REML = TRUE))

cat("\n## boundary: lmer(score ~ wave + (1 | participant), REML = TRUE)\n")
bd <- read.csv("tests/reference/random_intercept_boundary.csv")
bd$wave <- factor(bd$wave, levels = c("pre", "post", "follow_up"))
report(lmer(score ~ wave + (1 | participant), bd, REML = TRUE))

cat("\n## balanced, Days as a factor: lmer(Reaction ~ factor(Days) + (1 | Subject), sleepstudy, REML = TRUE)\n")
report(lmer(Reaction ~ factor(Days) + (1 | Subject), ss, REML = TRUE))

cat("\n## three waves, 10 participants, 4 missing scores (tests/test_outcomes.py::test_three_waves_missing_waves_kept)\n")
mm <- data.frame(pid = rep(sprintf("p%02d", 1:10), 3), wave = factor(rep(c("pre", "post", "follow_up"), each = 10),
                 levels = c("pre", "post", "follow_up")),
                 score = c(3.0, 2.6, 3.4, 2.9, 3.8, 3.1, 2.7, 3.3, 3.6, 2.8,
                           3.5, 3.0, 3.6, NA, 4.1, 3.7, 3.1, 3.5, NA, 3.3,
                           3.4, NA, 3.9, 3.1, 4.0, 3.5, NA, 3.6, 3.9, 3.2))
report(lmer(score ~ wave + (1 | pid), mm, REML = TRUE))
