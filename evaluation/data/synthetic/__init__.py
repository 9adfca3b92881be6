"""Synthetic demonstration data for the two shipped programmes, and the reference tables.

Everything written here is SYNTHETIC: invented people, answers and invoices in the input
formats of CONTRACT section 2, shaped after the public facts about two Scottish
social-services leadership programmes, so that the workbench can be demonstrated and tested
end to end without personal data:

* ``leading-to-deliver`` (LtD): five cohorts of about 100 first-line and middle managers from
  local-authority, voluntary and private employers, one cohort a year 2003-07, four three-day
  residential modules (12 sessions).
* ``collaborative-leadership`` (CLP): one pilot cohort of about 30 senior managers across
  public services, enrolled June 2005.

The reference tables are calibrated to published figures and say so row by row in ``source``:
``workforce.csv`` to the Scottish Social Services Council (SSSC) workforce headlines (about
210,000 staff; public 33 % / private 40 % / voluntary 28 %; about 82 % female), with every
figure that is not published marked ``ILLUSTRATIVE``; ``gdp_deflators.csv`` is HM Treasury's GDP
deflator at market prices (December 2025 vintage, calendar years, 2024 = 100).

What the synthetic data are built to show (so that every report has something to find):

* scale-specific change: ``leading_change`` and ``vision_direction`` improve clearly (d_z about
  0.6-0.8), ``partnership_working`` moderately, ``governance_accountability`` and
  ``reflective_practice`` hardly at all; line managers see less change than participants;
  the retrospective ``then`` test sits below ``pre`` (response shift); ``follow_up`` keeps most
  of the gain;
* internal consistency (Cronbach's alpha) of about 0.70-0.90 per scale, with reverse-keyed
  items written reversed, as on a real form;
* 2-4 % of items blank and a few whole scales skipped (scores that fail the 75 % rule);
* 10-20 % attrition between pre and post, more likely for people with a low baseline;
  withdrawn participants have no post or follow-up answers; some line managers never answer;
* uneven access: private-sector managers clearly under-represented against the workforce,
  central-belt councils over-represented, island councils with very few places (small cells
  for disclosure control).

The output is byte-for-byte reproducible: every random stream is seeded from ``seed``, the
programme name and the table (:class:`numpy.random.SeedSequence`), nothing depends on set or
hash order, and CSVs are written with ``\\n`` line endings and fixed number formats.
"""

from __future__ import annotations

from evaluation.data.synthetic.generate import (
    synthesise,
)
from evaluation.data.synthetic.profiles import (
    PROGRAMMES,
)
from evaluation.data.synthetic.reference import (
    COUNCIL_AREAS,
    DEFAULT_SEED,
    GDP_DEFLATORS,
    WORKFORCE_TOTAL,
    deflator_table,
    workforce_table,
)

__all__ = [
    "COUNCIL_AREAS",
    "DEFAULT_SEED",
    "GDP_DEFLATORS",
    "PROGRAMMES",
    "WORKFORCE_TOTAL",
    "deflator_table",
    "synthesise",
    "workforce_table",
]
