# Reference values for tests/test_programme_outcomes.py (R 4.2.2, base stats only).
# Run: Rscript tests/reference/programme_outcomes.R

# Bonett (2008, Psychological Methods 13(2), 99-109): large-sample variance of the paired
# standardised mean change with the average standardiser sqrt((s1^2 + s2^2)/2), typed from the
# paper; times J^2 = (1 - 3/(8n - 9))^2 for g_av. With s1 == s2 the standardiser equals d_av's.
d <- 0.5; n <- 50; s1 <- 1.2; s2 <- 1.2; r <- 0.6
s <- sqrt((s1^2 + s2^2) / 2)
v <- d^2 * (s1^4 + s2^4 + 2 * r^2 * s1^2 * s2^2) / (8 * (n - 1) * s^4) +
  (s1^2 + s2^2 - 2 * r * s1 * s2) / ((n - 1) * s^2)
J <- 1 - 3 / (8 * n - 9)
cat(sprintf("g_av variance: %.12f\n", J^2 * v))  # 0.017785133402

# Cochran-Armitage test for trend in proportions
t1 <- prop.trend.test(c(17, 16, 11, 10, 11), c(84, 85, 81, 81, 84), score = c(2003, 2004, 2005, 2006, 2007))
cat(sprintf("trend 1: X2 = %.12f, p = %.6f\n", t1$statistic, t1$p.value))  # 2.726874125432, 0.098672
t2 <- prop.trend.test(c(15, 10, 5), c(50, 50, 50), score = 1:3)
cat(sprintf("trend 2: X2 = %.12f, p = %.6f\n", t2$statistic, t2$p.value))  # 6.25, 0.012419
