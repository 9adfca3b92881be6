# Reference values for tests/test_outcomes.py.
# Run once, from the repository root:  Rscript tests/reference/outcomes.R
# R 4.2.2, effectsize 0.8.3, lme4 1.1-31. The tests never call R; they hold the numbers printed
# here, with the R call written above each assertion.
suppressPackageStartupMessages({library(effectsize); library(lme4)})
options(digits = 15)
show <- function(label, x) cat(sprintf("%-40s %s\n", label, paste(format(x, digits = 15), collapse = "  ")))

cat("\n## Student's sleep data (datasets::sleep); change = group 2 - group 1\n")
g1 <- sleep$extra[sleep$group == 1]; g2 <- sleep$extra[sleep$group == 2]
tt <- t.test(extra ~ group, data = sleep, paired = TRUE)           # group 1 - group 2
show("t.test(extra ~ group, paired) t, df, p", c(tt$statistic, tt$parameter, tt$p.value))
show("  conf.int (group1 - group2)", tt$conf.int)
tt2 <- t.test(g2, g1, paired = TRUE)                                  # group 2 - group 1
show("t.test(g2, g1, paired) t, p", c(tt2$statistic, tt2$p.value))
show("  estimate, conf.int", c(tt2$estimate, tt2$conf.int))
w <- suppressWarnings(wilcox.test(g2, g1, paired = TRUE))
show("wilcox.test(g2, g1, paired) V, p", c(w$statistic, w$p.value))
w <- suppressWarnings(wilcox.test(g1, g2, paired = TRUE))
show("wilcox.test(g1, g2, paired) V, p", c(w$statistic, w$p.value))
cd <- cohens_d(g2, g1, paired = TRUE)
show("cohens_d(g2, g1, paired) d, CI", c(cd$Cohens_d, cd$CI_low, cd$CI_high))
cd90 <- cohens_d(g2, g1, paired = TRUE, ci = 0.90)
show("cohens_d(..., ci = 0.90) d, CI", c(cd90$Cohens_d, cd90$CI_low, cd90$CI_high))
show("mean, sd g1; mean, sd g2; cor", c(mean(g1), sd(g1), mean(g2), sd(g2), cor(g1, g2)))
d <- g2 - g1
show("d_av = mean(d)/((sd1+sd2)/2)", mean(d) / ((sd(g1) + sd(g2)) / 2))
show("d_rm = d_z*sqrt(2(1-r))", mean(d) / sd(d) * sqrt(2 * (1 - cor(g1, g2))))

cat("\n## Lakens (2013) Table 1 movie ratings; change = movie1 - movie2\n")
movie1 <- c(9, 7, 8, 9, 8, 9, 9, 10, 9, 9); movie2 <- c(9, 6, 7, 8, 7, 9, 8, 8, 8, 7)
cdm <- cohens_d(movie1, movie2, paired = TRUE)
show("cohens_d(movie1, movie2, paired) d, CI", c(cdm$Cohens_d, cdm$CI_low, cdm$CI_high))
dm <- movie1 - movie2
dav <- mean(dm) / ((sd(movie1) + sd(movie2)) / 2)
show("d_av", dav)
show("g_av = d_av*(1-3/(4*2n-9))", dav * (1 - 3 / (4 * 2 * 10 - 9)))
show("d_rm", mean(dm) / sd(dm) * sqrt(2 * (1 - cor(movie1, movie2))))
tm <- t.test(movie1, movie2, paired = TRUE)
show("t.test(movie1, movie2, paired) t, p", c(tm$statistic, tm$p.value))

cat("\n## Wilcoxon, exact (12 pairs, no ties, no zeros)\n")
pre_x  <- c(3.2, 2.8, 4.1, 3.5, 2.9, 3.7, 3.0, 4.4, 2.5, 3.9, 3.3, 2.2)
post_x <- c(3.65, 2.65, 4.9, 3.8, 4.0, 3.35, 3.6, 4.45, 3.45, 4.15, 2.6, 3.55)
we <- wilcox.test(post_x, pre_x, paired = TRUE)
show("wilcox.test(post_x, pre_x, paired) V, p", c(we$statistic, we$p.value))
we2 <- wilcox.test(pre_x, post_x, paired = TRUE)
show("wilcox.test(pre_x, post_x, paired) V, p", c(we2$statistic, we2$p.value))

cat("\n## Wilcoxon, 60 pairs without ties: normal approximation with continuity correction\n")
i <- 1:60
pre_l <- 3 + (i %% 7) / 10
post_l <- pre_l + i / 20 * ifelse(i %% 4 == 0, -1, 1)
wl <- wilcox.test(post_l, pre_l, paired = TRUE)
show("wilcox.test(post_l, pre_l, paired) V, p", c(wl$statistic, wl$p.value))

cat("\n## Wilcoxon at the exact/normal boundary (fewer than 50 non-zero differences, no ties, no zeros)\n")
i <- 1:49; pre49 <- 3 + (i %% 7) / 10; post49 <- pre49 + i / 50 * ifelse(i %% 3 == 0, -1, 1)
w49 <- wilcox.test(post49, pre49, paired = TRUE)
show("wilcox.test(post49, pre49, paired) V, p", c(w49$statistic, w49$p.value))
show("  the same with exact = FALSE: p", wilcox.test(post49, pre49, paired = TRUE, exact = FALSE)$p.value)
i <- 1:50; pre50 <- 3 + (i %% 7) / 10; post50 <- pre50 + i / 50 * ifelse(i %% 3 == 0, -1, 1)
w50 <- wilcox.test(post50, pre50, paired = TRUE)
show("wilcox.test(post50, pre50, paired) V, p", c(w50$statistic, w50$p.value))
post50z <- post50; post50z[50] <- pre50[50]
w50z <- suppressWarnings(wilcox.test(post50z, pre50, paired = TRUE))
show("  pair 50 unchanged (a zero): V, p", c(w50z$statistic, w50z$p.value))

cat("\n## Wilcoxon on averaged Likert scores (thirds): ranks of 3 x the scores\n")
pre_3  <- c(10, 7, 8, 11, 9, 12, 6, 10)
post_3 <- c(11, 8, 10, 11, 10, 14, 8, 13)
wt <- suppressWarnings(wilcox.test(post_3, pre_3, paired = TRUE))
show("wilcox.test(post_3, pre_3, paired) V, p", c(wt$statistic, wt$p.value))
wt3 <- suppressWarnings(wilcox.test(post_3 / 3, pre_3 / 3, paired = TRUE))
show("same on /3 (floating-point noise) V, p", c(wt3$statistic, wt3$p.value))

cat("\n## Benjamini & Hochberg (1995) fifteen p-values\n")
p15 <- c(0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
         0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000)
show("p.adjust(p15, 'BH')", p.adjust(p15, "BH"))
show("p.adjust(p15, 'holm')", p.adjust(p15, "holm"))
show("which(p.adjust(p15, 'BH') <= 0.05)", which(p.adjust(p15, "BH") <= 0.05))
p_unsorted <- c(0.04, NA, 0.01, 0.03, 0.20)
show("p.adjust(c(.04,NA,.01,.03,.2), 'BH')", p.adjust(p_unsorted, "BH"))
show("p.adjust(c(.04,NA,.01,.03,.2), 'holm')", p.adjust(p_unsorted, "holm"))

cat("\n## Response shift: pre vs then (paired t of pre - then)\n")
pre_rs  <- c(3.8, 4.0, 3.5, 4.2, 3.9, 3.6, 4.1, 3.7)
then_rs <- c(3.2, 3.9, 3.0, 3.6, 3.5, 3.4, 3.3, 3.6)
trs <- t.test(pre_rs, then_rs, paired = TRUE)
show("t.test(pre_rs, then_rs, paired) t, df, p", c(trs$statistic, trs$parameter, trs$p.value))
show("  estimate, conf.int", c(trs$estimate, trs$conf.int))

cat("\n## Baseline comparison: Welch t and Hedges' g\n")
with_later    <- c(3.1, 3.6, 2.9, 4.0, 3.3, 3.8, 3.5, 2.7, 3.9, 3.4)
without_later <- c(2.8, 3.0, 3.7, 2.5, 3.2, 2.6)
tw <- t.test(with_later, without_later, var.equal = FALSE)
show("t.test(with, without) t, df, p", c(tw$statistic, tw$parameter, tw$p.value))
show("  conf.int", tw$conf.int)
hg <- hedges_g(with_later, without_later)
show("hedges_g(with, without) g, CI", c(hg$Hedges_g, hg$CI_low, hg$CI_high))

cat("\n## Mixed model: sleepstudy, Days as a factor, random intercept, REML\n")
write.csv(sleepstudy, "tests/data/sleepstudy.csv", row.names = FALSE)
fit <- lmer(Reaction ~ factor(Days) + (1 | Subject), sleepstudy, REML = TRUE)
cf <- summary(fit)$coefficients
show("lmer estimates", cf[, 1]); show("lmer SEs", cf[, 2])
show("VarCorr: subject var, residual var", c(as.data.frame(VarCorr(fit))$vcov))
ss_u <- sleepstudy[seq_len(nrow(sleepstudy)) %% 7 != 0, ]
fit_u <- lmer(Reaction ~ factor(Days) + (1 | Subject), ss_u, REML = TRUE)
cf_u <- summary(fit_u)$coefficients
show("unbalanced: nrow", nrow(ss_u))
show("unbalanced lmer estimates", cf_u[, 1]); show("unbalanced lmer SEs", cf_u[, 2])
show("unbalanced VarCorr", c(as.data.frame(VarCorr(fit_u))$vcov))

cat("\n## Mixed model: three waves with missing waves (no listwise deletion)\n")
mm <- data.frame(
  pid = rep(sprintf("p%02d", 1:10), times = 3),
  wave = factor(rep(c("pre", "post", "follow_up"), each = 10), levels = c("pre", "post", "follow_up")),
  score = c(3.0, 2.6, 3.4, 2.9, 3.8, 3.1, 2.7, 3.3, 3.6, 2.8,
            3.5, 3.0, 3.6, NA, 4.1, 3.7, 3.1, 3.5, NA, 3.3,
            3.4, NA, 3.9, 3.1, 4.0, 3.5, NA, 3.6, 3.9, 3.2))
fit3 <- lmer(score ~ wave + (1 | pid), mm, REML = TRUE)
cf3 <- summary(fit3)$coefficients
show("nobs", nobs(fit3))
show("lmer estimates", cf3[, 1]); show("lmer SEs", cf3[, 2])
show("VarCorr", c(as.data.frame(VarCorr(fit3))$vcov))

cat("\n## g_av with a percentile-bootstrap interval over pairs (boot 1.3-28.1)\n")
# Run on its own:  Rscript -e 'source(textConnection(readLines("tests/reference/outcomes.R")[-(1:127)]))'
# (the lines below need only base R and boot). R = 200000 resamples, so that R's own Monte Carlo
# error (about 0.001 on these data) is small beside the tests' tolerance.
suppressPackageStartupMessages(library(boot))
options(digits = 15)
show <- function(label, x) cat(sprintf("%-40s %s\n", label, paste(format(x, digits = 15), collapse = "  ")))
g_av <- function(pre, post) {
  n <- length(pre)
  (mean(post - pre) / ((sd(pre) + sd(post)) / 2)) * (1 - 3 / (4 * 2 * n - 9))
}
g_av_boot <- function(pre, post, conf, R = 200000, seed = 2005) {
  set.seed(seed)
  b <- boot(data.frame(pre = pre, post = post), function(d, i) g_av(d$pre[i], d$post[i]), R = R)
  ci <- boot.ci(b, conf = conf, type = "perc")
  c(b$t0, ci$percent[4:5], sd(b$t, na.rm = TRUE))
}
sleep1 <- sleep$extra[sleep$group == 1]; sleep2 <- sleep$extra[sleep$group == 2]
show("sleep g_av, perc 95% CI, boot SD", g_av_boot(sleep1, sleep2, 0.95))
show("sleep g_av, perc 90% CI, boot SD", g_av_boot(sleep1, sleep2, 0.90))
pre_x  <- c(3.2, 2.8, 4.1, 3.5, 2.9, 3.7, 3.0, 4.4, 2.5, 3.9, 3.3, 2.2)
post_x <- c(3.65, 2.65, 4.9, 3.8, 4.0, 3.35, 3.6, 4.45, 3.45, 4.15, 2.6, 3.55)
show("pre_x/post_x g_av, perc 95% CI, boot SD", g_av_boot(pre_x, post_x, 0.95))
