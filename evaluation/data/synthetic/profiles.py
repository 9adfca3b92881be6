"""What each shipped programme looks like: its cohorts, people, costs and the effects built into the synthetic answers."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "PROGRAMMES",
]

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
class ComparisonGroup:
    """A synthetic comparison group for one cohort: similar staff who did not take the programme.

    They are drawn like the cohort's participants (same sectors, roles, areas, waves) from their
    own random streams, under ``prefix``, with each scale's mean gain scaled by ``gain_share``.
    """

    size: tuple[int, int]  # inclusive range of group sizes
    prefix: str
    gain_share: float  # their mean gain on each scale, as a share of the programme group's


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
    #: cohort → its comparison group (most cohorts have none)
    comparison: dict[int, ComparisonGroup] = field(default_factory=dict)


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
        # cohort 3 only: managers from the same employers who were not (yet) given a place, asked
        # the same questionnaires at the same waves; they change by a quarter of the participants' gain
        comparison={3: ComparisonGroup(size=(58, 64), prefix="LTDC", gain_share=0.25)},
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

_TABLES = {"participants": 1, "responses": 2, "costs": 3, "items": 4, "comparison_participants": 5,
           "comparison_responses": 6}


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
