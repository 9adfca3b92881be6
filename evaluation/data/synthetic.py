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

import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.core.io import write_csv, write_text
from evaluation.core.vocabulary import WAVES
from evaluation.data.params import (
    Instrument,
    list_cohorts,
    load_cohort,
    load_instruments,
    load_programme,
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

DEFAULT_SEED = 20051
WORKFORCE_TOTAL = 210_000
WORKFORCE_YEAR = 2018
ILLUSTRATIVE = "ILLUSTRATIVE: not a published figure"

# ------------------------------------------------------------------------ reference: deflators

DEFLATOR_VINTAGE = (
    "HM Treasury GDP deflators at market prices, December 2025 (Quarterly National Accounts)"
)
#: HM Treasury GDP deflator at market prices, calendar years, 2024 = 100 (December 2025 QNA).
#: Outturn for every year, to 2 decimals; none interpolated.
GDP_DEFLATORS: dict[int, float] = {
    1990: 42.75, 1991: 45.62, 1992: 47.11, 1993: 48.52, 1994: 49.42,
    1995: 50.71, 1996: 52.81, 1997: 52.83, 1998: 53.53, 1999: 54.28,
    2000: 54.81, 2001: 55.75, 2002: 56.91, 2003: 58.27, 2004: 59.86,
    2005: 61.57, 2006: 63.47, 2007: 64.73, 2008: 66.89, 2009: 68.22,
    2010: 69.12, 2011: 70.83, 2012: 71.93, 2013: 73.48, 2014: 74.65,
    2015: 75.15, 2016: 76.46, 2017: 77.64, 2018: 79.16, 2019: 81.11,
    2020: 85.21, 2021: 85.64, 2022: 90.50, 2023: 96.25, 2024: 100.00,
}  # fmt: skip
_DEFLATOR_SOURCE = (
    f"{DEFLATOR_VINTAGE}; calendar-year index, 2024 = 100, rounded to 2 decimals; outturn for "
    "every year (none interpolated), as bundled from the HMT spreadsheet "
    "CGDP_Deflators_Qtrly_National_Accounts_December_2025_update.xlsx"
)

# ------------------------------------------------------------------------ reference: workforce

#: Scotland's 32 council areas: NRS mid-2018 population estimates (rounded) and a weight for
#: the larger social-care workforce per head of remote and island areas (island councils
#: are weighted so that Orkney lands near the 1,260 the SSSC reported for 2022).
COUNCIL_AREAS: dict[str, tuple[int, str]] = {
    "aberdeen_city": (227_560, "city"),
    "aberdeenshire": (261_470, "rural"),
    "angus": (116_200, "other"),
    "argyll_and_bute": (86_260, "remote"),
    "city_of_edinburgh": (518_500, "central"),
    "clackmannanshire": (51_400, "central"),
    "dumfries_and_galloway": (148_790, "remote"),
    "dundee_city": (148_750, "city"),
    "east_ayrshire": (122_010, "other"),
    "east_dunbartonshire": (108_330, "central"),
    "east_lothian": (105_790, "central"),
    "east_renfrewshire": (95_170, "central"),
    "falkirk": (160_340, "central"),
    "fife": (371_910, "central"),
    "glasgow_city": (626_410, "central"),
    "highland": (235_830, "remote"),
    "inverclyde": (78_150, "central"),
    "midlothian": (91_340, "central"),
    "moray": (95_520, "rural"),
    "na_h_eileanan_siar": (26_830, "island"),
    "north_ayrshire": (135_280, "other"),
    "north_lanarkshire": (340_180, "central"),
    "orkney_islands": (22_190, "island"),
    "perth_and_kinross": (151_290, "other"),
    "renfrewshire": (177_790, "central"),
    "scottish_borders": (115_270, "remote"),
    "shetland_islands": (22_990, "island"),
    "south_ayrshire": (112_550, "other"),
    "south_lanarkshire": (319_020, "central"),
    "stirling": (94_210, "central"),
    "west_dunbartonshire": (89_130, "central"),
    "west_lothian": (182_140, "central"),
}
#: social-care staff per head of population, relative to the Scottish average (workforce model)
_WORKFORCE_PER_HEAD = {
    "island": 1.5,
    "remote": 1.1,
    "rural": 1.0,
    "city": 1.0,
    "central": 1.0,
    "other": 1.0,
}
#: staff of national bodies (regulators, inspectorates, national agencies): `national` row
_NATIONAL_HEADCOUNT = 1_500

_SSSC_2018 = (
    "SSSC Workforce Data Report 2018 headline (sector split public 33% / private 40% / "
    "voluntary 28% of 204,610 headcount; shares rescaled to sum to 100% and applied to 210,000)"
)
#: dimension → [(category, weight, source)], weights rescaled to WORKFORCE_TOTAL, rounded to 10
_WORKFORCE_SPEC: dict[str, list[tuple[str, float, str]]] = {
    "sector": [
        ("local_authority", 30.0, _SSSC_2018 + "; public 33% split into local_authority 30.0 / "
         "health 1.8 / other_public 1.2: the split is ILLUSTRATIVE, not a published figure"),
        ("health", 1.8, _SSSC_2018 + "; health's part of the public 33% is ILLUSTRATIVE: not a published figure"),
        ("other_public", 1.2, _SSSC_2018 + "; other_public's part of the public 33% is ILLUSTRATIVE: "
         "not a published figure"),
        ("private", 40.0, _SSSC_2018),
        ("voluntary", 28.0, _SSSC_2018),
    ],
    "role_level": [
        ("frontline", 171_400, f"{ILLUSTRATIVE}; consistent with SSSC 2018 'more than four in five "
         "work in direct care'"),
        ("first_line_manager", 15_600, f"{ILLUSTRATIVE}; modelled share of supervisors and unit/team managers"),
        ("middle_manager", 7_300, f"{ILLUSTRATIVE}; modelled share of service and area managers"),
        ("senior_manager", 2_200, f"{ILLUSTRATIVE}; modelled share of heads of service and directors"),
        ("chief_officer", 400, f"{ILLUSTRATIVE}; 32 chief social work officers plus chief executives of "
         "larger providers"),
        ("elected_member", 300, f"{ILLUSTRATIVE}; councillors on social work and care committees"),
        ("other", 12_800, f"{ILLUSTRATIVE}; administrative, ancillary and other staff"),
    ],
    "gender": [
        ("female", 82.0, "SSSC Workforce Data Report 2022 headline (18% of staff male; the 2022 share "
         "used for this benchmark), applied to 210,000 as 82% female"),
        ("male", 17.7, "SSSC Workforce Data Report 2022 headline (18% of staff male; the 2022 share "
         "used for this benchmark), less the ILLUSTRATIVE undeclared categories"),
        ("not_declared", 0.2, ILLUSTRATIVE),
        ("prefer_not_to_say", 0.1, ILLUSTRATIVE),
    ],
    "age_band": [
        ("16_24", 9.0, ILLUSTRATIVE),
        ("25_34", 19.0, ILLUSTRATIVE),
        ("35_44", 21.0, ILLUSTRATIVE),
        ("45_54", 27.0, ILLUSTRATIVE),
        ("55_64", 20.0, ILLUSTRATIVE),
        ("65_plus", 3.5, ILLUSTRATIVE),
        ("not_declared", 0.5, ILLUSTRATIVE),
    ],
    "ethnicity": [
        ("white_scottish", 79.5, ILLUSTRATIVE),
        ("white_other_british", 7.0, ILLUSTRATIVE),
        ("white_other", 5.5, ILLUSTRATIVE),
        ("mixed_or_multiple", 0.6, ILLUSTRATIVE),
        ("asian", 2.2, ILLUSTRATIVE),
        ("african", 2.0, ILLUSTRATIVE),
        ("caribbean_or_black", 0.4, ILLUSTRATIVE),
        ("other_ethnic_group", 0.8, ILLUSTRATIVE),
        ("not_declared", 1.6, ILLUSTRATIVE),
        ("prefer_not_to_say", 0.4, ILLUSTRATIVE),
    ],
    "disability": [
        ("no", 84.0, ILLUSTRATIVE),
        ("yes", 4.5, ILLUSTRATIVE),
        ("not_declared", 10.5, ILLUSTRATIVE),
        ("prefer_not_to_say", 1.0, ILLUSTRATIVE),
    ],
}  # fmt: skip


def _round_to_total(weights: np.ndarray, total: int, unit: int = 10) -> np.ndarray:
    """Share ``total`` out in proportion to ``weights`` in multiples of ``unit`` (largest remainder).

    Examples
    --------
    >>> _round_to_total(np.array([33.0, 40.0, 28.0]), 210_000).tolist()
    [68610, 83170, 58220]
    """
    weights = np.asarray(weights, dtype=float)
    units = total // unit
    raw = weights / weights.sum() * units
    base = np.floor(raw).astype(np.int64)
    short = int(units - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:short]] += 1
    return base * unit


def workforce_table() -> pd.DataFrame:
    """The eligible-workforce benchmark: ``year, dimension, category, headcount, source``.

    Every dimension sums to :data:`WORKFORCE_TOTAL`; headcounts are multiples of 10 like the
    SSSC's; each row's ``source`` says where the figure comes from, and figures that are not
    published say ``ILLUSTRATIVE``.
    """
    rows: list[tuple[str, str, int, str]] = []

    def add(dimension: str, spec: list[tuple[str, float, str]], total: int) -> None:
        counts = _round_to_total(np.array([w for _, w, _ in spec]), total)
        rows.extend(
            (dimension, cat, int(n), src) for (cat, _, src), n in zip(spec, counts, strict=True)
        )

    add("sector", _WORKFORCE_SPEC["sector"], WORKFORCE_TOTAL)
    la_source = (
        "APPROXIMATE: 210,000 less 1,500 in national bodies, apportioned by NRS mid-2018 population "
        "estimates, island councils weighted x1.5 and remote mainland councils x1.1 to match the "
        "SSSC 2022 figure for Orkney (1,260); not the SSSC council-area table"
    )
    la_spec = [
        (name, pop * _WORKFORCE_PER_HEAD[kind], la_source)
        for name, (pop, kind) in COUNCIL_AREAS.items()
    ]
    add("local_authority", la_spec, WORKFORCE_TOTAL - _NATIONAL_HEADCOUNT)
    rows.append(
        (
            "local_authority",
            "national",
            _NATIONAL_HEADCOUNT,
            f"{ILLUSTRATIVE}; staff of national bodies (regulators, inspectorates, national agencies)",
        )
    )
    for dimension in ("role_level", "gender", "age_band", "ethnicity", "disability"):
        add(dimension, _WORKFORCE_SPEC[dimension], WORKFORCE_TOTAL)
    frame = pd.DataFrame(rows, columns=["dimension", "category", "headcount", "source"])
    frame.insert(0, "year", WORKFORCE_YEAR)
    return frame


def deflator_table() -> pd.DataFrame:
    """HM Treasury GDP deflator: ``year, index, source, vintage`` (index as text, 2 decimals)."""
    years = sorted(GDP_DEFLATORS)
    return pd.DataFrame(
        {
            "year": years,
            "index": [f"{GDP_DEFLATORS[y]:.2f}" for y in years],
            "source": _DEFLATOR_SOURCE,
            "vintage": DEFLATOR_VINTAGE,
        }
    )


# ------------------------------------------------------------------------ programme profiles

Choices = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class CostLine:
    """One cost line; ``cohort=None`` is programme-level (blank cohort in costs.csv)."""

    category: str
    description: str
    amount: float
    basis: str  # fixed | per_participant
    programme_level: bool = False
    price_year: int | None = None  # programme-level lines: the year incurred


@dataclass(frozen=True)
class Profile:
    """How one programme's synthetic participants, answers and costs are drawn."""

    prefix: str
    id_digits: int
    id_pool: int
    size: tuple[int, int]  # inclusive range of cohort sizes
    first_year: int  # year of cohort 1 when the cohort file gives no `year`
    enrol_start: tuple[int, int]  # (month, day) of the first enrolment
    enrol_days: int
    post_after_days: int  # post questionnaire, days after enrol_start
    follow_up_after_days: int  # follow-up, days after the post questionnaire
    role_level: Choices
    sector: Choices
    framework_area: Choices
    gender: Choices
    age_band: Choices
    ethnicity: Choices
    disability: Choices
    #: relative chance of a place, per council-area kind, on top of the workforce share
    area_access: dict[str, float]
    national_share_other_public: float
    #: self-rated scales: pre-test mean, pre → post gain and response shift (item units)
    gain: dict[str, float]
    withdrew: tuple[float, float]
    post_nonresponse: tuple[float, float]
    pre_nonresponse: tuple[float, float]
    follow_up_nonresponse: tuple[float, float]
    costs: tuple[CostLine, ...] = field(default=())
    cost_growth: float = 0.03  # nominal growth of cost lines per cohort year


_GENDER: Choices = (
    ("female", 0.715),
    ("male", 0.25),
    ("not_declared", 0.01),
    ("prefer_not_to_say", 0.005),
    ("", 0.02),
)
_ETHNICITY: Choices = (
    ("white_scottish", 0.835), ("white_other_british", 0.075), ("white_other", 0.02),
    ("mixed_or_multiple", 0.005), ("asian", 0.012), ("african", 0.008), ("caribbean_or_black", 0.002),
    ("other_ethnic_group", 0.003), ("not_declared", 0.015), ("prefer_not_to_say", 0.01), ("", 0.015),
)  # fmt: skip
_DISABILITY: Choices = (
    ("no", 0.81),
    ("yes", 0.035),
    ("not_declared", 0.07),
    ("prefer_not_to_say", 0.03),
    ("", 0.055),
)

PROGRAMMES: dict[str, Profile] = {
    "leading-to-deliver": Profile(
        prefix="LTD",
        id_digits=4,
        id_pool=400,
        size=(96, 104),
        first_year=2003,
        enrol_start=(1, 12),
        enrol_days=35,
        post_after_days=300,
        follow_up_after_days=182,
        role_level=(
            ("first_line_manager", 0.55), ("middle_manager", 0.36), ("senior_manager", 0.04),
            ("frontline", 0.04), ("other", 0.01),
        ),
        sector=(
            ("local_authority", 0.50), ("voluntary", 0.31), ("private", 0.13), ("health", 0.04),
            ("other_public", 0.02),
        ),
        framework_area=(
            ("operational", 0.45), ("professional_practice", 0.28), ("strategic", 0.17),
            ("citizen", 0.05), ("academic", 0.03), ("political", 0.02),
        ),
        gender=_GENDER,
        age_band=(
            ("25_34", 0.13), ("35_44", 0.33), ("45_54", 0.365), ("55_64", 0.13), ("65_plus", 0.005),
            ("not_declared", 0.01), ("", 0.03),
        ),
        ethnicity=_ETHNICITY,
        disability=_DISABILITY,
        area_access={"central": 1.4, "city": 1.0, "other": 0.9, "rural": 0.7, "remote": 0.6, "island": 0.35},
        national_share_other_public=0.5,
        gain={
            "leading_change": 0.38, "vision_direction": 0.33, "partnership_working": 0.20,
            "empowering_others": 0.14, "governance_accountability": 0.03, "reflective_practice": 0.05,
        },
        withdrew=(0.08, 0.12),
        post_nonresponse=(0.03, 0.05),
        pre_nonresponse=(0.02, 0.04),
        follow_up_nonresponse=(0.18, 0.26),
        costs=(
            CostLine("needs_assessment", "Training needs analysis of first-line and middle managers "
                     "across the three sectors", 38_450.00, "fixed", True, 2003),
            CostLine("design", "Programme design and development: modules, assignments, e-learning "
                     "materials and accreditation route", 142_300.00, "fixed", True, 2003),
            CostLine("evaluation", "Independent evaluation of the programme (all cohorts), reported "
                     "October 2008", 68_200.00, "fixed", True, 2008),
            CostLine("delivery", "Facilitation of four three-day residential modules (lead facilitator "
                     "and associate team)", 196_000.00, "fixed"),
            CostLine("delivery", "Line-manager briefing events (two per cohort)", 8_400.00, "fixed"),
            CostLine("venue", "Residential accommodation, meals and conference rooms, 12 days", 1_650.00,
                     "per_participant"),
            CostLine("materials", "Workbooks, reading packs and assignment guides", 85.00, "per_participant"),
            CostLine("travel", "Participants' travel to residential modules", 210.00, "per_participant"),
            CostLine("accreditation", "PG Certificate in Social Services Leadership: university "
                     "registration and assessment", 650.00, "per_participant"),
            CostLine("other", "Mentoring: external mentors, six sessions per participant", 480.00,
                     "per_participant"),
            CostLine("other", "E-learning platform hosting and learner support", 12_500.00, "fixed"),
            CostLine("management", "Programme co-ordination and administration", 42_000.00, "fixed"),
            CostLine("evaluation", "Pre/post questionnaires and line-manager survey administration",
                     6_500.00, "fixed"),
        ),
    ),
    "collaborative-leadership": Profile(
        prefix="CLP",
        id_digits=3,
        id_pool=60,
        size=(29, 31),
        first_year=2005,
        enrol_start=(6, 1),
        enrol_days=20,
        post_after_days=292,
        follow_up_after_days=182,
        role_level=(("senior_manager", 0.60), ("chief_officer", 0.20), ("middle_manager", 0.20)),
        sector=(("local_authority", 0.45), ("health", 0.27), ("other_public", 0.18), ("voluntary", 0.10)),
        framework_area=(
            ("strategic", 0.50), ("political", 0.25), ("operational", 0.12),
            ("professional_practice", 0.10), ("citizen", 0.03),
        ),
        gender=(("female", 0.58), ("male", 0.40), ("not_declared", 0.01), ("", 0.01)),
        age_band=(("35_44", 0.22), ("45_54", 0.50), ("55_64", 0.25), ("", 0.03)),
        ethnicity=(("white_scottish", 0.88), ("white_other_british", 0.08), ("not_declared", 0.02), ("", 0.02)),
        disability=(("no", 0.86), ("yes", 0.03), ("prefer_not_to_say", 0.04), ("not_declared", 0.03), ("", 0.04)),
        area_access={"central": 1.5, "city": 1.1, "other": 0.8, "rural": 0.6, "remote": 0.6, "island": 0.3},
        national_share_other_public=0.7,
        gain={
            "leading_change": 0.38, "vision_direction": 0.33, "partnership_working": 0.28,
            "empowering_others": 0.14, "governance_accountability": 0.02, "reflective_practice": 0.06,
        },
        withdrew=(0.08, 0.12),
        post_nonresponse=(0.03, 0.05),
        pre_nonresponse=(0.02, 0.04),
        follow_up_nonresponse=(0.15, 0.25),
        costs=(
            CostLine("design", "Pilot design with the university partner: complexity, partnership "
                     "and leading without formal authority", 45_600.00, "fixed", True, 2005),
            CostLine("evaluation", "Pilot evaluation: repeated self-reflection, interviews and report",
                     15_250.00, "fixed", True, 2006),
            CostLine("delivery", "Facilitation: eight days, university faculty and associates", 96_000.00,
                     "fixed"),
            CostLine("venue", "Venues, day-delegate rates and two overnight stays", 940.00, "per_participant"),
            CostLine("materials", "Reading packs and case materials", 120.00, "per_participant"),
            CostLine("travel", "Participants' travel and subsistence", 340.00, "per_participant"),
            CostLine("management", "Pilot co-ordination and administration", 18_000.00, "fixed"),
            CostLine("participant_time", "Participants' time: 8 days x 7 hours at the cohort's average "
                     "hourly staff cost (salary, on-costs and overheads), GBP 36.80 an hour", 2_060.80,
                     "per_participant"),
        ),
    ),
}  # fmt: skip

#: pre-test mean (item units, 1-5) of self-rated scales, and the response shift of the then-test
_SELF_MEAN = {
    "vision_direction": 3.30, "leading_change": 3.20, "partnership_working": 3.55,
    "empowering_others": 3.45, "governance_accountability": 3.65, "reflective_practice": 3.40,
}  # fmt: skip
_RESPONSE_SHIFT = {
    "vision_direction": 0.22, "leading_change": 0.25, "partnership_working": 0.18,
    "empowering_others": 0.15, "governance_accountability": 0.10, "reflective_practice": 0.12,
}  # fmt: skip
_ROLE_SHIFT = {
    "frontline": -0.15, "first_line_manager": -0.05, "middle_manager": 0.05, "senior_manager": 0.20,
    "chief_officer": 0.30, "elected_member": 0.0, "other": 0.0,
}  # fmt: skip
_PERSON_SD = 0.70  # SD of the stable person level on a scale (item units)
_GENERAL_LOADING = 0.6  # loading of each scale on the person's general level
_GAIN_SD = 0.30  # SD of individual gains around the scale's mean gain
_ITEM_SD = 0.65  # occasion-and-item noise (self ratings)
_OBSERVER_ITEM_SD = 0.60
_OBSERVER_GAIN = 0.4  # share of the self-rated gain a line manager sees
_FOLLOW_UP_RETAINED = 0.8
_ITEM_BLANK = 0.022  # chance that one item is left blank
_SCALE_SKIP = 0.012  # chance that a whole scale is skipped at one wave
_LINE_MANAGER_NEVER = 0.18
_LINE_MANAGER_MISS_PRE = 0.05
_LINE_MANAGER_MISS_POST = 0.12

_TABLES = {"participants": 1, "responses": 2, "costs": 3, "items": 4}


def _rng(seed: int, programme: str, table: str, cohort: int = 0) -> np.random.Generator:
    """An independent random stream for (seed, programme, table, cohort), stable across runs."""
    key = [int(seed), zlib.crc32(programme.encode("utf-8")), _TABLES[table], int(cohort)]
    return np.random.default_rng(np.random.SeedSequence(key))


def _choose(rng: np.random.Generator, choices: Choices, n: int) -> np.ndarray:
    cats = np.array([c for c, _ in choices], dtype=object)
    p = np.array([w for _, w in choices], dtype=float)
    return cats[rng.choice(len(cats), size=n, p=p / p.sum())]


def _top_k(
    rng: np.random.Generator, log_weight: np.ndarray, k: int, eligible: np.ndarray
) -> np.ndarray:
    """Boolean mask of ``k`` of the ``eligible`` drawn without replacement, P ∝ exp(log_weight)."""
    key = np.where(eligible, log_weight + rng.gumbel(size=log_weight.size), -np.inf)
    mask = np.zeros(log_weight.size, dtype=bool)
    if k > 0:
        mask[np.argsort(-key, kind="stable")[:k]] = True
    return mask & eligible


def _dates(start: np.datetime64, offsets: np.ndarray) -> np.ndarray:
    return (start + offsets.astype("timedelta64[D]")).astype(str)


# ------------------------------------------------------------------------ one cohort


@dataclass
class _Cohort:
    participants: pd.DataFrame
    general: np.ndarray  # person's general level (standardised)
    level: dict[str, np.ndarray]  # stable person level per self-rated scale (item units)
    gain: dict[str, np.ndarray]  # individual pre → post gain per self-rated scale
    pre: np.ndarray  # answered the pre questionnaire
    post: np.ndarray  # answered the post questionnaire (and the then-test)
    follow_up: np.ndarray
    lm_pre: np.ndarray
    lm_post: np.ndarray
    dates: dict[str, np.ndarray]


def _cohort_people(
    name: str,
    profile: Profile,
    cohort: int,
    year: int,
    sessions: int,
    self_scales: list[str],
    seed: int,
) -> _Cohort:
    rng = _rng(seed, name, "participants", cohort)
    n = int(rng.integers(profile.size[0], profile.size[1] + 1))
    numbers = np.sort(rng.choice(np.arange(1, profile.id_pool + 1), size=n, replace=False))
    ids = [f"{profile.prefix}-{year}-{k:0{profile.id_digits}d}" for k in numbers]

    role = _choose(rng, profile.role_level, n)
    sector = _choose(rng, profile.sector, n)
    framework = _choose(rng, profile.framework_area, n)
    gender = _choose(rng, profile.gender, n)
    age = _choose(rng, profile.age_band, n)
    ethnicity = _choose(rng, profile.ethnicity, n)
    disability = _choose(rng, profile.disability, n)

    areas = np.array(list(COUNCIL_AREAS), dtype=object)
    weight = np.array(
        [
            pop * _WORKFORCE_PER_HEAD[kind] * profile.area_access[kind]
            for pop, kind in COUNCIL_AREAS.values()
        ]
    )
    area = areas[rng.choice(areas.size, size=n, p=weight / weight.sum())]
    national = (sector == "other_public") & (rng.random(n) < profile.national_share_other_public)
    area = np.where(national, "national", area)

    # latent levels: a general level plus scale-specific parts; gains vary between people
    general = rng.standard_normal(n)
    shift = np.array([_ROLE_SHIFT[r] for r in role])
    level, gain = {}, {}
    for scale in self_scales:
        specific = rng.standard_normal(n)
        level[scale] = shift + _PERSON_SD * (
            _GENERAL_LOADING * general + np.sqrt(1 - _GENERAL_LOADING**2) * specific
        )
        spread = rng.standard_normal(n)  # centred: the cohort's mean true gain is the design value
        gain[scale] = profile.gain.get(scale, 0.10) + _GAIN_SD * (spread - spread.mean())
    baseline = np.mean([level[s] for s in self_scales], axis=0)
    z = (baseline - baseline.mean()) / baseline.std()

    everyone = np.ones(n, dtype=bool)
    withdrew = _top_k(rng, -1.2 * z, round(n * rng.uniform(*profile.withdrew)), everyone)
    post_missing = _top_k(
        rng, -0.6 * z, round(n * rng.uniform(*profile.post_nonresponse)), ~withdrew
    )
    pre_missing = _top_k(
        rng, np.zeros(n), round(n * rng.uniform(*profile.pre_nonresponse)), ~withdrew
    )
    post = ~withdrew & ~post_missing
    fu_missing = _top_k(
        rng, -0.5 * z, round(post.sum() * rng.uniform(*profile.follow_up_nonresponse)), post
    )
    follow_up = post & ~fu_missing
    lm_ever = rng.random(n) >= _LINE_MANAGER_NEVER
    lm_pre = lm_ever & (rng.random(n) >= _LINE_MANAGER_MISS_PRE)
    lm_post = lm_ever & ~withdrew & (rng.random(n) >= _LINE_MANAGER_MISS_POST)

    withdrawn_max = max(1, int(np.ceil(0.7 * sessions)))
    attended = np.where(
        withdrew,
        rng.integers(1, withdrawn_max + 1, size=n),
        sessions - np.minimum(rng.binomial(sessions, 0.03, size=n), 2),
    )

    start = np.datetime64(f"{year}-{profile.enrol_start[0]:02d}-{profile.enrol_start[1]:02d}")
    enrol_offset = rng.integers(0, profile.enrol_days, size=n)
    pre_offset = enrol_offset + rng.integers(3, 22, size=n)
    post_offset = profile.post_after_days + rng.integers(0, 29, size=n)
    fu_offset = post_offset + profile.follow_up_after_days + rng.integers(0, 43, size=n)
    dates = {
        "enrolled": _dates(start, enrol_offset),
        "pre": _dates(start, pre_offset),
        "then": _dates(start, post_offset),
        "post": _dates(start, post_offset),
        "follow_up": _dates(start, fu_offset),
        "lm_pre": _dates(start, pre_offset + rng.integers(2, 30, size=n)),
        "lm_post": _dates(start, post_offset + rng.integers(2, 45, size=n)),
    }

    participants = pd.DataFrame(
        {
            "participant_id": ids,
            "cohort": cohort,
            "sector": sector,
            "local_authority": area,
            "role_level": role,
            "framework_area": framework,
            "gender": gender,
            "age_band": age,
            "ethnicity": ethnicity,
            "disability": disability,
            "enrolled_on": dates["enrolled"],
            "status": np.where(withdrew, "withdrew", "completed"),
            "sessions_attended": attended.astype(np.int64),
        }
    )
    return _Cohort(
        participants=participants,
        general=general,
        level=level,
        gain=gain,
        pre=~pre_missing,
        post=post,
        follow_up=follow_up,
        lm_pre=lm_pre,
        lm_post=lm_post,
        dates=dates,
    )


def _item_intercepts(seed: int, instrument: Instrument) -> dict[str, float]:
    """Fixed item difficulties (mean zero within each scale), the same for every programme."""
    rng = _rng(seed, instrument.name, "items")
    out: dict[str, float] = {}
    for scale in instrument.scales.values():
        c = rng.normal(0.0, 0.2, size=len(scale.items))
        out.update(zip(scale.items, (c - c.mean()).tolist(), strict=True))
    return out


def _observed_source(scale: str, self_scales: list[str]) -> str | None:
    """The self-rated scale an observer-rated scale mirrors (``observed_x`` → ``x``), if any."""
    base = scale.removeprefix("observed_")
    return base if base in self_scales else None


def _cohort_responses(
    name: str,
    profile: Profile,
    people: _Cohort,
    waves: list[str],
    instruments: dict[str, Instrument],
    self_scales: list[str],
    seed: int,
    cohort: int,
) -> pd.DataFrame:
    """Long-format answers of one cohort, as arrays (row order fixed later)."""
    rng = _rng(seed, name, "responses", cohort)
    n = len(people.participants)
    ids = people.participants["participant_id"].to_numpy()
    wave_rank = {w: i for i, w in enumerate(WAVES)}
    rater_rank = {"self": 0, "line_manager": 1, "peer": 2, "direct_report": 3}

    # latent scale levels at each wave, self ratings (item units)
    def self_level(scale: str, wave: str) -> np.ndarray:
        base = _SELF_MEAN.get(scale, 3.4) + people.level[scale]
        if wave == "pre":
            return base
        if wave == "then":
            return base - _RESPONSE_SHIFT.get(scale, 0.12) + 0.15 * rng.standard_normal(n)
        if wave == "post":
            return base + people.gain[scale]
        return base + _FOLLOW_UP_RETAINED * people.gain[scale] + 0.15 * rng.standard_normal(n)

    mean_gain = np.mean([people.gain[s] for s in self_scales], axis=0)
    reaction = (
        4.0
        + 0.45 * (mean_gain - mean_gain.mean()) / mean_gain.std()
        + 0.45 * rng.standard_normal(n)
    )
    observer_base = 3.35 + 0.25 * rng.standard_normal(n)  # line managers' leniency

    blocks: list[dict[str, np.ndarray]] = []
    item_rank = 0
    observer_level: dict[str, np.ndarray] = {}
    for inst_rank, instrument in enumerate(instruments.values()):
        low, high = instrument.response_range
        intercept = _item_intercepts(seed, instrument)
        for scale_name, scale in instrument.scales.items():
            items = scale.items
            k = len(items)
            c = np.array([intercept[i] for i in items])
            reverse = np.array([i in scale.reverse for i in items])
            ranks = np.arange(item_rank, item_rank + k)
            item_rank += k
            for rater in instrument.scale_raters(scale_name):
                for wave in (
                    w for w in WAVES if w in waves and w in instrument.scale_waves(scale_name)
                ):
                    if rater == "self":
                        who = {"pre": people.pre, "then": people.post, "post": people.post}.get(
                            wave, people.follow_up
                        )
                        when = people.dates[wave]
                        if scale.kirkpatrick_level == 1:
                            latent, noise = reaction, 0.55
                        elif scale_name in people.level:
                            latent, noise = self_level(scale_name, wave), _ITEM_SD
                        else:
                            latent, noise = 3.4 + _PERSON_SD * people.general, _ITEM_SD
                    else:
                        who = people.lm_pre if wave == "pre" else people.lm_post
                        who = who if wave in ("pre", "post") else np.zeros(n, dtype=bool)
                        when = people.dates["lm_pre" if wave == "pre" else "lm_post"]
                        mirror = _observed_source(scale_name, self_scales)
                        key = f"{rater}:{scale_name}"
                        if key not in observer_level:
                            own = people.level[mirror] if mirror else _PERSON_SD * people.general
                            observer_level[key] = (
                                observer_base + 0.6 * own + 0.4 * rng.standard_normal(n)
                            )
                        latent = observer_level[key]
                        if wave != "pre":
                            seen = people.gain[mirror] if mirror else mean_gain
                            latent = latent + _OBSERVER_GAIN * seen + 0.2 * rng.standard_normal(n)
                        noise = _OBSERVER_ITEM_SD
                    m = int(who.sum())
                    if m == 0:
                        continue
                    raw = latent[who, None] + c[None, :] + noise * rng.standard_normal((m, k))
                    value = np.clip(np.rint(raw), low, high)
                    value = np.where(reverse[None, :], low + high - value, value)
                    blank = rng.random((m, k)) < _ITEM_BLANK
                    blank |= (rng.random(m) < _SCALE_SKIP)[:, None]
                    value[blank] = np.nan
                    person = np.flatnonzero(who)
                    blocks.append(
                        {
                            "person": np.repeat(person, k),
                            "wave_rank": np.full(m * k, wave_rank[wave]),
                            "rater_rank": np.full(m * k, rater_rank[rater]),
                            "inst_rank": np.full(m * k, inst_rank),
                            "item_rank": np.tile(ranks, m),
                            "wave": np.full(m * k, wave, dtype=object),
                            "rater": np.full(m * k, rater, dtype=object),
                            "instrument": np.full(m * k, instrument.name, dtype=object),
                            "item": np.tile(np.array(items, dtype=object), m),
                            "value": value.ravel(),
                            "responded_on": np.repeat(when[who], k),
                        }
                    )
    cols = {key: np.concatenate([b[key] for b in blocks]) for key in blocks[0]}
    order = np.lexsort(
        (
            cols["item_rank"],
            cols["inst_rank"],
            cols["rater_rank"],
            cols["wave_rank"],
            cols["person"],
        )
    )
    return pd.DataFrame(
        {
            "participant_id": ids[cols["person"][order]],
            "wave": cols["wave"][order],
            "rater": cols["rater"][order],
            "instrument": cols["instrument"][order],
            "item": cols["item"][order],
            "value": pd.array(cols["value"][order], dtype="Float64").astype("Int64"),
            "responded_on": cols["responded_on"][order],
        }
    )


def _costs(name: str, profile: Profile, cohorts: dict[int, int], seed: int) -> pd.DataFrame:
    """Cost lines: programme-level lines once, the rest once per cohort in that cohort's prices."""
    rng = _rng(seed, name, "costs")
    rows = []
    for line in profile.costs:
        if line.programme_level:
            rows.append(
                (None, line.category, line.description, line.amount, line.price_year, line.basis)
            )
    first = min(cohorts.values())
    for cohort, year in cohorts.items():
        growth = (1 + profile.cost_growth) ** (year - first)
        for line in profile.costs:
            if line.programme_level:
                continue
            if line.category == "participant_time":
                amount = line.amount  # hours x hourly cost, priced in the cohort's year
            elif line.basis == "per_participant":
                amount = 5 * round(line.amount * growth * rng.uniform(0.98, 1.02) / 5)
            else:
                amount = round(line.amount * growth * rng.uniform(0.96, 1.04), 2)
            rows.append((cohort, line.category, line.description, amount, year, line.basis))
    frame = pd.DataFrame(
        rows, columns=["cohort", "category", "description", "amount", "price_year", "basis"]
    )
    frame["cohort"] = frame["cohort"].astype("Int64")
    frame["amount"] = [f"{a:.2f}" for a in frame["amount"]]
    return frame


# ------------------------------------------------------------------------ writing




def _programme_tables(name: str, params_dir: Path, seed: int) -> dict[str, pd.DataFrame]:
    profile = PROGRAMMES[name]
    programme = load_programme(params_dir, name)
    instruments = load_instruments(params_dir, programme)
    self_scales = [
        s
        for inst in instruments.values()
        for s, scale in inst.scales.items()
        if scale.kirkpatrick_level >= 2 and "self" in inst.scale_raters(s)
    ]
    numbers = list_cohorts(params_dir, name)
    if not numbers:
        raise ValueError(
            f"{params_dir / name}: no cohort-<n>.yaml parameter files to generate data for"
        )
    participants, responses, years = [], [], {}
    for number in numbers:
        cohort = load_cohort(params_dir, name, number)
        year = cohort.year or profile.first_year + number - 1
        years[number] = year
        people = _cohort_people(name, profile, number, year, programme.sessions, self_scales, seed)
        participants.append(people.participants)
        responses.append(
            _cohort_responses(
                name, profile, people, list(cohort.waves), instruments, self_scales, seed, number
            )
        )
    return {
        "participants": pd.concat(participants, ignore_index=True),
        "responses": pd.concat(responses, ignore_index=True),
        "costs": _costs(name, profile, years, seed),
    }


def synthesise(
    data_dir: Path | str,
    params_dir: Path | str,
    *,
    seed: int = DEFAULT_SEED,
    programmes: list[str] | tuple[str, ...] | None = None,
) -> list[Path]:
    """Write the synthetic demonstration data and the reference tables under ``data_dir/raw``.

    For each programme, ``raw/<programme>/participants.csv``, ``responses.csv`` and
    ``costs.csv`` in the formats of CONTRACT section 2, for every cohort that has a parameter
    file (its ``waves`` decide which questionnaires exist), plus ``raw/<programme>/SYNTHETIC.json``,
    the marker that allows the labelled demo pseudonymisation key. Always also
    ``raw/reference/workforce.csv`` and ``raw/reference/gdp_deflators.csv``.

    Parameters
    ----------
    data_dir : Path or str
        The data folder; files go to ``data_dir/raw/`` (folders are created, files replaced).
    params_dir : Path or str
        The parameter folder (``programme.yaml``, ``cohort-<n>.yaml``, ``instruments/``).
    seed : int, default 20051
        Root seed. The same seed, parameters and package versions give byte-identical files.
    programmes : sequence of str, optional
        Programmes to generate; default all of :data:`PROGRAMMES`
        (``leading-to-deliver`` and ``collaborative-leadership``).

    Returns
    -------
    list of Path
        The files written, programme files first, then the reference tables.

    Raises
    ------
    ValueError
        If a programme has no synthetic profile or no cohort parameter files.
    evaluation.core.errors.ParameterError
        If a parameter file is missing or invalid.

    Notes
    -----
    Every random stream is a :class:`numpy.random.Generator` seeded from
    ``(seed, crc32(programme), table, cohort)``, so adding a cohort or a programme does not
    change the data of the others.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(__file__).resolve().parents[2]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = synthesise(tmp, root / "params", programmes=["collaborative-leadership"])
    ...     sorted(p.name for p in paths)
    ['SYNTHETIC.json', 'costs.csv', 'gdp_deflators.csv', 'participants.csv', 'responses.csv', 'workforce.csv']
    """
    data_dir, params_dir = Path(data_dir), Path(params_dir)
    names = list(PROGRAMMES) if programmes is None else list(programmes)
    unknown = [p for p in names if p not in PROGRAMMES]
    if unknown:
        raise ValueError(
            f"no synthetic profile for programme(s) {unknown}; known: {list(PROGRAMMES)}"
        )
    raw = data_dir / "raw"
    written: list[Path] = []
    for name in names:
        tables = _programme_tables(name, params_dir, int(seed))
        for table in ("participants", "responses", "costs"):
            written.append(write_csv(tables[table], raw / name / f"{table}.csv"))
        marker = {
            "synthetic": True,
            "generator": "evaluation.synthetic",
            "seed": int(seed),
            "programme": name,
            "note": (
                "SYNTHETIC demonstration data: invented participants, answers and costs shaped after "
                "public facts about the programme. No real person is described. The labelled demo "
                "pseudonymisation key may be used with these files only."
            ),
        }
        written.append(
            write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", raw / name / "SYNTHETIC.json")
        )
    written.append(write_csv(workforce_table(), raw / "reference" / "workforce.csv"))
    written.append(write_csv(deflator_table(), raw / "reference" / "gdp_deflators.csv"))
    return written
