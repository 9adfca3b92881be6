"""The synthetic data's reference tables: the eligible workforce and the GDP deflators, calibrated to published figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "COUNCIL_AREAS",
    "DEFAULT_SEED",
    "GDP_DEFLATORS",
    "MANAGER_POPULATIONS",
    "WORKFORCE_TOTAL",
    "deflator_table",
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


#: The populations of the shipped programmes (CONTRACT section 2): population → (role levels
#: from the 2018 all-staff table that make it up, years it is given for). Leading to Deliver is
#: open to managers of every sector; the Collaborative Leadership pilot to senior managers of
#: public services only (local authorities, health, other public bodies and national bodies),
#: so its population has no private or voluntary sector (see ``_MANAGER_SHARES``).
MANAGER_POPULATIONS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "first_and_middle_managers": (("first_line_manager", "middle_manager"), (2003, 2004, 2005, 2006, 2007)),
    "public_service_senior_managers": (("senior_manager", "chief_officer"), (2005,)),
}
#: ILLUSTRATIVE back-cast of the workforce's size to the programmes' years, relative to 2018
#: (growth of about 2% a year; not a published series).
_YEAR_FACTOR = {2003: 0.80, 2004: 0.82, 2005: 0.84, 2006: 0.86, 2007: 0.88}
#: ILLUSTRATIVE manager-typical shares (%) per dimension: managers are more often in the local
#: authority sector, more often men and older than the whole workforce; national bodies
#: (regulators, inspectorates, national agencies) hold a larger share of senior posts. Council
#: areas share out the rest in proportion to the 2018 all-staff figures.
#: (dimension, category) → (first_and_middle_managers %, public_service_senior_managers %);
#: ``national`` is the national bodies' share of the population, the council areas sharing out
#: the rest. A share of 0 leaves the category out of the population (its people are not eligible).
_MANAGER_SHARES: dict[tuple[str, str], tuple[float, float]] = {
    ("sector", "local_authority"): (38.0, 80.0),
    ("sector", "health"): (2.5, 11.0),
    ("sector", "other_public"): (1.5, 9.0),
    ("sector", "private"): (32.0, 0.0),
    ("sector", "voluntary"): (26.0, 0.0),
    ("national", "national"): (1.3, 7.0),
    ("gender", "female"): (72.0, 55.0),
    ("gender", "male"): (27.6, 44.5),
    ("gender", "not_declared"): (0.3, 0.4),
    ("gender", "prefer_not_to_say"): (0.1, 0.1),
    ("age_band", "16_24"): (1.0, 0.2),
    ("age_band", "25_34"): (13.0, 3.0),
    ("age_band", "35_44"): (28.0, 24.0),
    ("age_band", "45_54"): (35.0, 44.0),
    ("age_band", "55_64"): (20.5, 26.0),
    ("age_band", "65_plus"): (2.0, 2.3),
    ("age_band", "not_declared"): (0.5, 0.5),
    ("ethnicity", "white_scottish"): (84.0, 86.0),
    ("ethnicity", "white_other_british"): (7.5, 8.0),
    ("ethnicity", "white_other"): (3.5, 2.5),
    ("ethnicity", "mixed_or_multiple"): (0.5, 0.4),
    ("ethnicity", "asian"): (1.5, 1.0),
    ("ethnicity", "african"): (1.0, 0.5),
    ("ethnicity", "caribbean_or_black"): (0.3, 0.2),
    ("ethnicity", "other_ethnic_group"): (0.5, 0.2),
    ("ethnicity", "not_declared"): (1.0, 1.0),
    ("ethnicity", "prefer_not_to_say"): (0.2, 0.2),
    ("disability", "no"): (86.0, 88.0),
    ("disability", "yes"): (4.0, 3.5),
    ("disability", "not_declared"): (9.0, 7.5),
    ("disability", "prefer_not_to_say"): (1.0, 1.0),
}  # fmt: skip
_POPULATION_WORDS = {
    "first_and_middle_managers": "first-line and middle managers",
    "public_service_senior_managers": "senior managers and chief officers of public services",
}
#: ILLUSTRATIVE share (%) of each population's role levels that its sectors hold (the public
#: services hold about 56% of senior posts in the 2018 picture above); 100 = every sector.
_SECTOR_SCOPE = {"first_and_middle_managers": 100.0, "public_service_senior_managers": 56.0}


def _all_staff_rows() -> list[tuple[str, str, int, str]]:
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
    return rows


def _manager_rows(population: str, year: int, all_staff: pd.DataFrame) -> list[tuple[str, str, int, str]]:
    """One manager population's marginal headcounts in one year (every figure ILLUSTRATIVE)."""
    roles, _ = MANAGER_POPULATIONS[population]
    role_2018 = all_staff[all_staff["dimension"] == "role_level"].set_index("category")["headcount"]
    factor = _YEAR_FACTOR[year]
    scope = _SECTOR_SCOPE[population] / 100
    total = int(round(sum(int(role_2018[r]) for r in roles) * factor * scope / 10) * 10)
    unit = 10 if total >= 10_000 else 1  # a small population in whole people, so no category rounds to 0
    words = _POPULATION_WORDS[population]
    base = (f"{ILLUSTRATIVE}; {words} in {year}: the 2018 all-staff {' + '.join(roles)} headcount "
            f"({' + '.join(f'{int(role_2018[r]):,}' for r in roles)}, itself illustrative) x {factor:.2f} "
            f"(illustrative back-cast of workforce growth to {year})"
            + (f" x {scope:.2f} (illustrative share in public services)" if scope < 1 else "") + f" = {total:,}")
    column = list(MANAGER_POPULATIONS).index(population)
    shares: dict[str, dict[str, float]] = {}
    for (dimension, category), values in _MANAGER_SHARES.items():
        shares.setdefault(dimension, {})[category] = values[column]
    rows: list[tuple[str, str, int, str]] = []

    def add(dimension: str, weights: dict[str, float], amount: int, how: str) -> None:
        weights = {category: w for category, w in weights.items() if w > 0}
        counts = _round_to_total(np.array(list(weights.values())), amount, unit)
        rows.extend((dimension, cat, int(n), f"{base}; {how}") for cat, n in zip(weights, counts, strict=True))

    add("sector", shares["sector"], total, "shared out by sector in illustrative manager-typical shares")
    national = int(round(total * shares["national"]["national"] / 100 / unit) * unit)
    la_2018 = all_staff[(all_staff["dimension"] == "local_authority") & (all_staff["category"] != "national")]
    add("local_authority", dict(zip(la_2018["category"], la_2018["headcount"].astype(float), strict=True)),
        total - national, f"less {national:,} in national bodies, shared out by council area in proportion to the "
        "2018 all-staff figures")
    rows.append(("local_authority", "national", national,
                 f"{base}; national bodies' share ({shares['national']['national']:g}%) is illustrative"))
    add("role_level", {r: float(role_2018[r]) for r in roles}, total,
        "shared out by role level in proportion to the 2018 all-staff figures")
    for dimension in ("gender", "age_band", "ethnicity", "disability"):
        add(dimension, shares[dimension], total, f"shared out by {dimension.replace('_', ' ')} in illustrative "
            "manager-typical shares")
    return rows


def workforce_table() -> pd.DataFrame:
    """The eligible-workforce benchmark: ``year, population, dimension, category, headcount, source``.

    ``all_staff`` (2018) is calibrated to the SSSC headlines: every dimension sums to
    :data:`WORKFORCE_TOTAL`. The manager populations of :data:`MANAGER_POPULATIONS` are given
    for the shipped programmes' years, derived from the 2018 role-level figures by an
    illustrative back-cast (``_YEAR_FACTOR``) and shared out by illustrative manager-typical
    shares; within each population × year every dimension sums to the same total. Headcounts
    are multiples of 10 like the SSSC's (whole people for a population under 10,000); each row's ``source`` says where the figure comes
    from, and figures that are not published say ``ILLUSTRATIVE`` (or ``APPROXIMATE``).
    """
    frame = pd.DataFrame(_all_staff_rows(), columns=["dimension", "category", "headcount", "source"])
    frame.insert(0, "population", "all_staff")
    frame.insert(0, "year", WORKFORCE_YEAR)
    pieces = [frame]
    for population, (_, years) in MANAGER_POPULATIONS.items():
        for year in years:
            rows = pd.DataFrame(_manager_rows(population, year, frame),
                                columns=["dimension", "category", "headcount", "source"])
            rows.insert(0, "population", population)
            rows.insert(0, "year", year)
            pieces.append(rows)
    return pd.concat(pieces, ignore_index=True)


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
