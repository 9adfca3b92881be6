# Reference values for tests/test_comparison_group.py.
# Run once, from the repository root:  Rscript tests/reference/comparison_group.R
# R 4.2.2, metafor 3.8.1. The tests never call R; they hold the numbers printed here, with the
# R call written above each assertion.
suppressPackageStartupMessages(library(metafor))
options(digits = 15)
show <- function(label, x) cat(sprintf("%-44s %s\n", label, paste(format(x, digits = 15), collapse = "  ")))

cat("\n## Twelve treated and nine comparison participants (the test's data)\n")
pre_t  <- c(2.8, 3.1, 3.6, 2.5, 3.9, 3.0, 3.3, 2.7, 3.4, 3.8, 2.9, 3.2)
post_t <- c(3.4, 3.3, 4.1, 3.2, 4.0, 3.6, 3.9, 2.9, 3.8, 4.4, 3.5, 3.3)
pre_c  <- c(3.0, 3.5, 2.6, 3.3, 3.9, 2.8, 3.1, 3.6, 3.2)
post_c <- c(3.1, 3.4, 2.9, 3.3, 4.1, 2.7, 3.3, 3.6, 3.2)
chg_t <- post_t - pre_t; chg_c <- post_c - pre_c
w <- t.test(chg_t, chg_c)                         # Welch (R's default)
show("t.test(chg_t, chg_c): est, se, df, p", c(diff(rev(w$estimate)), w$stderr, w$parameter, w$p.value))
show("  conf.int", w$conf.int)
w90 <- t.test(chg_t, chg_c, conf.level = 0.90)
show("t.test(chg_t, chg_c, conf.level=.9) ci", w90$conf.int)
s <- t.test(chg_t, chg_c, var.equal = TRUE)      # Student, pooled variance
show("t.test(..., var.equal=TRUE): se, df, p", c(s$stderr, s$parameter, s$p.value))
show("  conf.int", s$conf.int)
# Pooled within-group pre-post correlation: lm of post on pre with group intercepts and slopes
# would differ; the pooled within-group r is the partial correlation of pre and post given group.
g <- factor(rep(c("T", "C"), c(12, 9)))
rx <- resid(lm(c(pre_t, pre_c) ~ g)); ry <- resid(lm(c(post_t, post_c) ~ g))
rho <- cor(rx, ry)
show("cor(resid(pre ~ group), resid(post ~ group))", rho)
# d_ppc2 by metafor's worked Morris (2008) page: escalc("SMCR") is not it; the page's pooled
# pre-test SD version: yi = cp * (diff of changes) / sd_pool, cp = metafor:::.cmicalc(nT+nC-2)
nt <- 12; nc <- 9
sd_pool <- sqrt(((nt - 1) * var(pre_t) + (nc - 1) * var(pre_c)) / (nt + nc - 2))
cp_exact <- metafor:::.cmicalc(nt + nc - 2)
yi <- cp_exact * ((mean(post_t) - mean(pre_t)) - (mean(post_c) - mean(pre_c))) / sd_pool
show("sd_pool, .cmicalc(nT+nC-2), yi (exact cp)", c(sd_pool, cp_exact, yi))
vi <- 2 * (1 - rho) * (1/nt + 1/nc) + yi^2 / (2 * (nt + nc))
show("metafor page vi (large-sample approx.)", vi)

cat("\n## Morris (2008) Table 5, Carlson & Schmidt (1999) studies 1 and 5 (metafor page data)\n")
for (k in list(c(30.6, 38.5, 15.0, 20, 23.1, 19.7, 13.8, 20, 0.47),
               c(35.6, 36.0, 4.7, 14, 34.8, 33.4, 3.1, 14, 0.44))) {
  n <- k[4] + k[8]
  sdp <- sqrt(((k[4] - 1) * k[3]^2 + (k[8] - 1) * k[7]^2) / (n - 2))
  d <- metafor:::.cmicalc(n - 2) * ((k[2] - k[1]) - (k[6] - k[5])) / sdp
  show("  yi (exact cp), metafor vi", c(d, 2 * (1 - k[9]) * (1/k[4] + 1/k[8]) + d^2 / (2 * n)))
}

cat("\n## The same with Morris's approximate c_p = 1 - 3/(4(nT+nC-2) - 1) and his eq. 25 variance\n")
eq25 <- function(d, nt, nc, rho) {
  n <- nt + nc; cp <- 1 - 3 / (4 * (n - 2) - 1); a <- 2 * (1 - rho) * n / (nt * nc)
  cp^2 * a * (n - 2) / (n - 4) * (1 + d^2 / a) - d^2
}
cp <- 1 - 3 / (4 * (nt + nc - 2) - 1)
d <- cp * ((mean(post_t) - mean(pre_t)) - (mean(post_c) - mean(pre_c))) / sd_pool
v <- eq25(d, nt, nc, rho)
show("test data: d_ppc2, eq25 var, 95% normal CI", c(d, v, d + c(-1, 1) * qnorm(0.975) * sqrt(v)))
d1 <- (1 - 3 / 151) * (7.9 + 3.4) / sqrt((19 * 15.0^2 + 19 * 13.8^2) / 38)
show("Morris study 1: d_ppc2, eq25 var", c(d1, eq25(d1, 20, 20, 0.47)))
