"""The evaluator's front door: load a cohort or a whole programme, then ask it questions.

Every method returns a tidy DataFrame (or a :class:`~evaluation.reports.findings.ReportResult`)
computed by the same code as the published report, with the cohort's own parameters as
defaults, so that ``cohort.outcomes()`` *is* ``tables/outcomes.csv``:

>>> import evaluation as ev
>>> cohort = ev.load_cohort("leading-to-deliver", 2)
>>> cohort
<Cohort leading-to-deliver 2 (2004): 104 participants, 10 scales>
>>> cohort.outcomes()[["scale", "comparison", "rater", "n_pairs"]].head(2)
              scale comparison rater  n_pairs
0  vision_direction   pre_post  self       84
1  vision_direction  then_post  self       88

Subgroups keep the report's multiplicity family (every scale, within each comparison ×
rater) and its disclosure control (groups under the threshold are suppressed, and one more
where needed so that they cannot be worked out from the totals):

>>> by_role = cohort.outcomes(by="role_level", scales="leading_change", raters="self",
...                           comparisons=["pre_post"])
>>> by_role[["role_level", "n_pairs", "mean_change", "suppressed"]].round(3)
           role_level  n_pairs  mean_change suppressed
0  first_line_manager       50        0.305
1           frontline     <NA>          NaN  secondary
2      middle_manager       26        0.354
3      senior_manager     <NA>          NaN    primary

Nothing here reads or writes a file itself: loading goes through :mod:`evaluation.data.cohort`,
computing through :mod:`evaluation.reports`. What there is, loading it and comparing programmes
is :mod:`evaluation.api.loading`; one cohort :mod:`evaluation.api.cohort` (its outcomes and
subgroups :mod:`evaluation.api.subgroups`, its other tables :mod:`evaluation.api.tables`); a whole
programme :mod:`evaluation.api.programme`. Every table with intervals has a ``confidence_level``
column, the level they were computed at.
"""

from evaluation.api.cohort import Cohort
from evaluation.api.loading import (
           compare_programmes,
           list_cohorts,
           list_programmes,
           load_cohort,
           load_programme,
)
from evaluation.api.programme import Programme

__all__ = ["Cohort", "Programme", "compare_programmes", "list_cohorts", "list_programmes", "load_cohort",
           "load_programme"]
