"""The programme report: is a programme working across its cohorts, for whom, at what cost?

Built from :class:`~evaluation.data.programme.ProgrammeData` (every cohort of one programme).
Its modules each compute one part of the report's tables and findings:

* :mod:`~evaluation.reports.programme_report.outcomes`: each cohort's change per scale × rater,
  pooled by random effects (:func:`evaluation.stats.pooling.pool`), and the outcome trends;
* :mod:`~evaluation.reports.programme_report.costs`: cost per place and per reliable improver
  across cohorts, in real prices;
* :mod:`~evaluation.reports.programme_report.equity`: equity of access pooled over cohorts;
* :mod:`~evaluation.reports.programme_report.where`: where the programme works and where it is
  blocked (change by framework area, role level and sector, pooled over cohorts), and the
  evaluator-only success-case frame.
"""
