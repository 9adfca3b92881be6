# Reference values for tests/test_reliability.py (evaluation/scoring.py).
#
# Documentation only: the tests never call R. Run once with
#   Rscript tests/reference/scoring_reliability.R
# (R 4.2, psych 2.2.9, GPArotation installed) and copy the printed numbers into the tests.
# The data sets below are the literal matrices of tests/test_reliability.py (rows persons,
# columns items, already reverse-keyed, NA = not answered).
#
# Conventions (METHODS.md, Reliability): listwise deletion, so every psych call gets
# na.omit(x). psych::alpha() on data with NA uses pairwise covariances and n = all rows for
# the Feldt CI, and psych::omega() uses pairwise correlations: both differ from the workbench
# on incomplete data (see the "not the workbench's convention" lines for set B).

suppressMessages(library(psych))
stopifnot(packageVersion("psych") == "2.2.9")

m <- function(v, k) matrix(v, ncol = k, byrow = TRUE)

# A: 20 persons x 5 items, complete
A <- m(c(1,2,2,2,3, 3,4,3,2,4, 3,3,1,2,3, 3,5,4,4,4, 4,3,3,4,2, 3,4,3,3,3, 1,1,1,1,1,
         2,2,2,1,2, 4,5,4,3,3, 3,2,3,2,2, 1,2,1,2,3, 3,3,3,3,2, 5,4,2,4,4, 3,2,3,3,3,
         2,3,4,3,2, 2,2,3,2,4, 4,3,3,4,3, 2,2,3,2,4, 2,4,2,4,2, 2,2,4,3,2), 5)
# B: 24 persons x 4 items, 6 missing cells (18 complete rows)
B <- m(c(3,3,5,3, 3,3,2,3, 2,4,3,4, 2,NA,3,2, 1,3,1,NA, 2,3,4,3, 4,2,5,4, NA,3,2,3,
         5,4,2,4, 3,4,5,3, 3,3,1,3, 1,3,3,5, 1,1,1,2, 3,2,3,3, 3,2,NA,1, 4,3,4,4,
         5,NA,2,3, 5,4,3,3, 3,4,4,3, 4,5,5,4, 2,2,2,2, NA,5,3,4, 3,4,2,2, 3,3,2,2), 4)
# C: 16 persons x 6 items, complete
C <- m(c(4,4,3,4,4,5, 3,2,3,2,2,3, 1,1,4,2,3,3, 5,3,4,2,5,3, 2,3,2,2,2,2, 2,2,3,2,1,1,
         4,5,2,3,2,3, 1,1,3,3,2,1, 4,4,4,3,4,3, 2,1,2,2,2,2, 3,3,3,2,3,3, 5,4,2,4,4,3,
         2,3,2,4,4,3, 3,2,4,2,2,2, 5,5,4,4,4,4, 3,3,3,1,4,4), 6)
# H: 15 persons x 4 items; item 1 is a Heywood case (minres uniqueness at psych's bound)
H <- m(c(1,3,2,2, 3,3,3,2, 4,4,4,4, 5,5,3,5, 1,2,2,1, 2,3,2,2, 3,3,4,2, 4,4,4,4,
         2,2,3,3, 2,3,2,1, 3,3,4,3, 2,3,3,3, 1,2,2,1, 2,2,2,2, 2,1,4,1), 4)
# E: A with item 3 left un-reversed (6 - x): it loads negatively, psych::omega reflects it
E <- A; E[, 3] <- 6 - E[, 3]
# D: the 8 x 4 example of the omega_total docstring
D <- m(c(1,2,2,1, 2,2,3,2, 3,4,3,3, 4,4,5,5, 5,4,4,4, 2,1,2,3, 3,3,4,2, 4,5,4,4), 4)
# F: the 6 x 3 example of the cronbach_alpha docstring (one incomplete row)
F <- m(c(1,2,2, 2,2,3, 3,4,3, 4,4,5, 5,4,4, 3,NA,2), 3)

fmt <- function(x) paste(sprintf("%.10f", x), collapse = ", ")
report <- function(name, x, omega = TRUE) {
  xc <- na.omit(x)
  a <- psych::alpha(xc, warnings = FALSE)
  cat(sprintf("## %s: n = %d complete rows of %d, k = %d\n", name, nrow(xc), nrow(x), ncol(x)))
  cat("psych::alpha(na.omit(x))$total$raw_alpha ->", fmt(a$total$raw_alpha), "\n")
  cat("psych::alpha(na.omit(x))$feldt lower.ci, upper.ci ->",
      fmt(c(a$feldt$lower.ci, a$feldt$upper.ci)), "\n")
  cat("90%: psych:::alpha.ci(raw_alpha, n, k, p.val = .10) ->",
      fmt(unlist(psych:::alpha.ci(a$total$raw_alpha, nrow(xc), ncol(xc), p.val = .10)[c("lower.ci", "upper.ci")])), "\n")
  if (omega) {
    f <- psych::fa(xc, nfactors = 1, fm = "minres")
    o <- suppressWarnings(psych::omega(xc, nfactors = 1, plot = FALSE))
    l <- as.numeric(f$loadings)
    R <- cor(xc)
    key <- ifelse(l < 0, -1, 1)
    cat("psych::fa(na.omit(x), nfactors = 1, fm = 'minres')$loadings ->", fmt(l), "\n")
    cat("psych::omega(na.omit(x), nfactors = 1)$omega.tot ->", fmt(o$omega.tot), "\n")
    cat("1 - sum(1 - l^2) / sum(diag(key) %*% cor(x) %*% diag(key)) ->",
        fmt(1 - sum(1 - l^2) / sum(diag(key) %*% R %*% diag(key))), "\n")
  }
}

report("A", A)
report("B", B)
cat("not the workbench's convention: psych::alpha(B)$total$raw_alpha (pairwise) ->",
    fmt(psych::alpha(B, warnings = FALSE)$total$raw_alpha),
    "; psych::alpha(B)$feldt (n = 24) ->",
    fmt(unlist(psych::alpha(B, warnings = FALSE)$feldt[c("lower.ci", "upper.ci")])), "\n")
report("C", C)
report("H", H)
report("E", E)
report("D", D)
report("F", F, omega = FALSE)
