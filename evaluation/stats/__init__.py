"""Layer 1, statistics: pure functions and frozen results on arrays and tidy DataFrames.

One module or sub-package per topic; a topic never imports another, and all import only
:mod:`evaluation.core`. They know nothing of files, parameter files or cohorts.

* :mod:`~evaluation.stats.reliability` — Cronbach's alpha (Feldt CI) and McDonald's omega total;
* :mod:`~evaluation.stats.outcomes` — paired change, reliable change, multiplicity, mixed model,
  attrition;
* :mod:`~evaluation.stats.costs` — real prices, the cost ledger, cost measures, their
  uncertainty, benefits;
* :mod:`~evaluation.stats.equity` — equity of access: representation, goodness of fit, spread
  across council areas, completion and declaration by group;
* :mod:`~evaluation.stats.disclosure` — disclosure control of published tables;
* :mod:`~evaluation.stats.pooling` — random-effects pooling of cohorts' estimates (REML τ²,
  HKSJ ad hoc interval, I², Q, prediction interval).
"""
