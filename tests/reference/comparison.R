# Reference values for tests/test_comparison_report.py::test_pooled_change_equals_metafor.
# The five Leading to Deliver cohorts of the synthetic data: mean change (pre_post) and its standard
# error (from the paired t interval), line-manager-rated "Leads change (observed)" and self-rated
# "Leading change". R 4.2.2, metafor 3.8.1: Rscript tests/reference/comparison.R
suppressPackageStartupMessages(library(metafor))
yi <- c(0.19256756756756757, 0.1076923076923077, 0.0850340136054422, 0.08717948717948716, 0.23173515981735157)
sei <- c(0.056688968733027964, 0.06757501858005424, 0.06718942734049267, 0.05876757923799274, 0.06490584672876723)
r <- rma(yi = yi, sei = sei, method = "REML", test = "adhoc", control = list(threshold = 1e-12))
print(sprintf("%.10f", c(r$b, r$ci.lb, r$ci.ub, r$tau2, r$QE)))
f <- rma(yi = yi, sei = sei, method = "FE")
print(sprintf("%.10f", c(f$b, f$ci.lb, f$ci.ub)))
yi <- c(0.4160714285714286, 0.32941176470588235, 0.3129629629629629, 0.2962962962962963, 0.3589285714285714)
sei <- c(0.05898331051744004, 0.04904047175038941, 0.05722342081928196, 0.05100666999606807, 0.053974032200260515)
r <- rma(yi = yi, sei = sei, method = "REML", test = "adhoc", control = list(threshold = 1e-12))
print(sprintf("%.10f", c(r$b, r$ci.lb, r$ci.ub, r$tau2, r$QE)))
