"""Parameter files (CONTRACT section 3) as frozen pydantic models that reject unknown keys.

Three kinds of file live under ``params/``:

* ``instruments/<instrument>.yaml`` → :class:`Instrument`
* ``<programme>/programme.yaml`` → :class:`Programme`
* ``<programme>/cohort-<n>.yaml`` → :class:`Cohort` (keys left out are taken from the
  programme's ``defaults:``, then from the defaults below)

Loading functions raise :class:`~evaluation.core.errors.ParameterError` naming the file and every
offending key, e.g. ``params/leading-to-deliver/cohort-2.yaml: key `multiplicty`: unknown key``
(the file is read as strict YAML by :mod:`evaluation.data.param_files`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from evaluation.core.checks import check_name
from evaluation.core.errors import ParameterError
from evaluation.core.paths import shown_path
from evaluation.core.raw_files import MAX_RAW_FILE_BYTES
from evaluation.core.vocabulary import COMPARISONS, EQUITY_DIMENSIONS, ROLE_LEVELS, WAVES
from evaluation.data.param_files import check_not_other, did_you_mean, explain, read_yaml

__all__ = [
    "Bootstrap",
    "Cohort",
    "EquitySettings",
    "Instrument",
    "MonetisedBenefits",
    "Programme",
    "Scale",
    "StaffHourlyCost",
    "item_map",
    "list_cohorts",
    "list_programmes",
    "load_cohort",
    "load_instrument",
    "load_instruments",
    "load_programme",
]

Wave = Literal["pre", "then", "post", "follow_up"]
Rater = Literal["self", "line_manager", "peer", "direct_report"]
#: Numbers in parameter files are numbers: ``"0.9"`` (text) or ``true`` is refused, never converted
#: (as ``disclosure_threshold: "5"`` is); a whole number is accepted where a decimal is expected.
Share = Annotated[float, Field(gt=0, le=1, strict=True)]
#: A programme or instrument name: it becomes a folder or file name (see ``NAME_PATTERN``).
Name = Annotated[str, AfterValidator(lambda v: check_name(v, "name"))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Strict):
    """One scale of an instrument (its items, reverse keys and optional overrides)."""

    title: str
    kirkpatrick_level: Literal[1, 2, 3, 4]
    items: list[str] = Field(min_length=1)
    reverse: list[str] = []
    min_answered: Share | None = None
    higher_is_better: bool | None = None
    waves: list[Wave] | None = None
    raters: list[Rater] | None = None

    @model_validator(mode="after")
    def _reverse_items_belong(self) -> Scale:
        unknown = [i for i in self.reverse if i not in self.items]
        if unknown:
            raise ValueError(f"`reverse` lists items that are not in `items`: {unknown}")
        if len(set(self.items)) != len(self.items):
            raise ValueError(f"`items` repeats an item: {self.items}")
        return self


class Instrument(_Strict):
    """A questionnaire: response range, scoring rule and scales."""

    name: Name
    title: str
    source: str
    response_range: tuple[float, float]
    labels: dict[int, str] = {}
    min_answered: Share = 0.75
    higher_is_better: bool = True
    primary_scale: str | None = None
    #: waves and raters at which the instrument is answered (extension; a scale may narrow them)
    waves: list[Wave] = list(WAVES)
    raters: list[Rater] = ["self"]
    scales: dict[str, Scale] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        low, high = self.response_range
        if not low < high:
            raise ValueError(f"`response_range` must be [low, high] with low < high, got {[low, high]}")
        if outside := sorted(v for v in self.labels if not low <= v <= high):  # a label no answer can have
            raise ValueError(f"`labels` {outside} lie outside `response_range` [{low:g}, {high:g}]")
        if self.primary_scale is not None and self.primary_scale not in self.scales:
            raise ValueError(
                f"`primary_scale` {self.primary_scale!r} is not one of the scales: {sorted(self.scales)}"
            )
        seen: dict[str, str] = {}
        for scale_name, scale in self.scales.items():
            for item in scale.items:
                if item in seen:
                    raise ValueError(f"item {item!r} is in two scales: {seen[item]!r} and {scale_name!r}")
                seen[item] = scale_name
        return self

    def scale_waves(self, scale: str) -> list[str]:
        return list(self.scales[scale].waves or self.waves)

    def scale_raters(self, scale: str) -> list[str]:
        return list(self.scales[scale].raters or self.raters)


class StaffHourlyCost(_Strict):
    price_year: int
    source: str
    by_role_level: dict[Literal[ROLE_LEVELS], Annotated[float, Field(ge=0)]]  # type: ignore[valid-type]


class EquitySettings(_Strict):
    dimensions: list[Literal[EQUITY_DIMENSIONS]] = [  # type: ignore[valid-type]
        "sector",
        "local_authority",
        "role_level",
        "gender",
        "age_band",
        "ethnicity",
        "disability",
    ]
    #: reference category per dimension; default: the largest category
    reference: dict[Literal[EQUITY_DIMENSIONS], str] = {}  # type: ignore[valid-type]
    band: tuple[float, float] = (0.80, 1.25)

    @field_validator("band")
    @classmethod
    def _band_ordered(cls, band: tuple[float, float]) -> tuple[float, float]:
        if not 0 < band[0] < 1 < band[1]:
            raise ValueError(f"`band` must be [low, high] with 0 < low < 1 < high, got {list(band)}")
        return band


class MonetisedBenefits(_Strict):
    """Benefits converted to money (Phillips level 5), optional, for a benefit-cost ratio."""

    by_year: dict[int, Annotated[float, Field(ge=0)]] = Field(min_length=1)
    price_year: int
    source: str
    attribution: Share = 1.0
    confidence: Share = 1.0


#: Bounds of the bootstrap: enough resamples for stable percentiles, few enough to run in minutes.
MAX_RESAMPLES = 100_000
#: The disclosure threshold's default and floor (CONTRACT section 5.3; counts 1 to threshold − 1 are
#: suppressed). A threshold under the default needs a written reason (``disclosure_threshold_reason``).
DEFAULT_DISCLOSURE_THRESHOLD, MIN_DISCLOSURE_THRESHOLD = 5, 3


class Bootstrap(_Strict):
    resamples: Annotated[StrictInt, Field(ge=100, le=MAX_RESAMPLES)] = 2000
    seed: Annotated[int, Field(ge=0)] = 2005


class Programme(_Strict):
    """``params/<programme>/programme.yaml``."""

    name: Name
    title: str
    instruments: list[Name] = Field(min_length=1)
    sessions: Annotated[StrictInt, Field(ge=1)]
    hours_per_session: Annotated[float, Field(gt=0, strict=True)]
    staff_hourly_cost: StaffHourlyCost | None = None
    description: str | None = None
    #: The largest raw input file ingest reads for this programme, in bytes (each of
    #: participants, responses, costs and the reference tables); larger files are refused before
    #: they are read.
    max_raw_file_bytes: Annotated[StrictInt, Field(ge=1)] = MAX_RAW_FILE_BYTES
    #: The population of ``workforce.csv`` the programme is open to: the denominator of every
    #: equity rate, share and relative likelihood (CONTRACT section 3). Checked against the
    #: populations of ``workforce.csv`` at ingest, where that file is read.
    eligible_population: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = "all_staff"
    defaults: dict[str, Any] = {}


class Cohort(_Strict):
    """``params/<programme>/cohort-<n>.yaml`` after the programme's defaults are applied."""

    programme: Name
    cohort: Annotated[StrictInt, Field(ge=1)]
    waves: list[Wave] = Field(min_length=2)
    comparisons: list[Literal[tuple(COMPARISONS)]] = Field(min_length=1)  # type: ignore[valid-type]
    confidence_level: Annotated[float, Field(gt=0, lt=1, strict=True)] = 0.95
    multiplicity: Literal["holm", "bh", "none"] = "holm"
    rci_reliability: Literal["alpha_pre"] | Annotated[float, Field(gt=0, lt=1, strict=True)] = "alpha_pre"
    price_base_year: StrictInt = 2024
    discount_rate: Annotated[float, Field(ge=0, lt=1, strict=True)] = 0.035
    disclosure_threshold: Annotated[StrictInt, Field(ge=MIN_DISCLOSURE_THRESHOLD)] = DEFAULT_DISCLOSURE_THRESHOLD
    #: Why a threshold under the default is acceptable (required then; recorded in the manifest).
    disclosure_threshold_reason: str | None = None
    equity: EquitySettings = EquitySettings()
    bootstrap: Bootstrap = Bootstrap()
    monetised_benefits: MonetisedBenefits | None = None
    title: str | None = None
    year: int | None = None

    @field_validator("rci_reliability", mode="before")
    @classmethod
    def _alpha_pre_or_a_reliability(cls, value: Any) -> Any:
        # one message for the key, not one per member of its type (pydantic's would name the key
        # `rci_reliability.literal['alpha_pre']` and `rci_reliability.constrained-float`)
        if value == "alpha_pre" or (type(value) in (int, float) and 0 < value < 1):
            return value
        raise ValueError(f"expected `alpha_pre` (Cronbach's alpha at the earlier wave) or a number between 0 "
                         f"and 1, exclusive (a reliability such as 0.8); found {value!r}")

    @model_validator(mode="after")
    def _threshold_below_default_is_explained(self) -> Cohort:
        if self.disclosure_threshold < DEFAULT_DISCLOSURE_THRESHOLD and not (self.disclosure_threshold_reason or "").strip():
            raise ValueError(
                f"`disclosure_threshold` {self.disclosure_threshold} is below the default {DEFAULT_DISCLOSURE_THRESHOLD}: "
                "groups that small would be published. Add `disclosure_threshold_reason: <why this is acceptable>` "
                "to accept it (it is recorded in the report's manifest), or use the default")
        return self

    @model_validator(mode="after")
    def _waves_fit_comparisons(self) -> Cohort:
        if len(set(self.waves)) != len(self.waves):
            raise ValueError(f"`waves` repeats a wave: {self.waves}")
        timed = [w for w in self.waves if w != "then"]  # `then` is answered at post: it may stand anywhere
        if timed != sorted(timed, key=["pre", "post", "follow_up"].index):
            raise ValueError(f"`waves` must be in time order (pre, post, follow_up; `then` may be added anywhere): "
                             f"found {self.waves}; the first is the mixed model's reference wave")
        for comparison in self.comparisons:
            missing = [w for w in COMPARISONS[comparison] if w not in self.waves]
            if missing:
                raise ValueError(
                    f"`comparisons` has {comparison!r}, which needs wave(s) {missing} "
                    f"that `waves` does not list ({self.waves})"
                )
        return self


def load_instrument(params_dir: Path | str, name: str) -> Instrument:
    """Load ``params/instruments/<name>.yaml``; its ``name`` must equal the file name."""
    path = Path(params_dir) / "instruments" / f"{check_name(name, 'instrument')}.yaml"
    data = read_yaml(path)
    try:
        instrument = Instrument.model_validate(data)
    except ValidationError as exc:
        raise explain(path, exc, Instrument) from None
    if instrument.name != name:
        raise ParameterError(f"{shown_path(path)}: key `name` is {instrument.name!r}; it must equal the file name {name!r}")
    return instrument


def load_programme(params_dir: Path | str, programme: str) -> Programme:
    """Load ``params/<programme>/programme.yaml``."""
    path = Path(params_dir) / check_name(programme, "programme") / "programme.yaml"
    if not path.is_file():
        check_not_other(path)
        known = list_programmes(params_dir)
        raise ParameterError(f"{shown_path(path)}: parameter file not found: there is no programme {programme!r}; the programmes "
                             f"with parameters are {', '.join(known) if known else 'none'}")
    data = read_yaml(path)
    try:
        prog = Programme.model_validate(data)
    except ValidationError as exc:
        raise explain(path, exc, Programme) from None
    if prog.name != programme:
        raise ParameterError(f"{shown_path(path)}: key `name` is {prog.name!r}; it must equal the folder name {programme!r}")
    unknown = sorted(set(prog.defaults) - set(Cohort.model_fields))
    if unknown:
        raise ParameterError(
            f"{shown_path(path)}: key `defaults` has unknown cohort key(s) {unknown}; allowed: {sorted(Cohort.model_fields)}"
            + did_you_mean(unknown[0], Cohort.model_fields)
        )
    return prog


def load_instruments(params_dir: Path | str, programme: Programme) -> dict[str, Instrument]:
    """Load every instrument a programme uses; scale names must be unique across them."""
    instruments = {name: load_instrument(params_dir, name) for name in programme.instruments}
    owner: dict[str, str] = {}
    for inst in instruments.values():
        for scale in inst.scales:
            if scale in owner:
                raise ParameterError(
                    f"{shown_path(Path(params_dir) / 'instruments' / (inst.name + '.yaml'))}: scale `{scale}` is also a scale of "
                    f"instrument {owner[scale]!r}; scale names must be unique within a programme"
                )
            owner[scale] = inst.name
    return instruments


def load_cohort(params_dir: Path | str, programme: str, cohort: int) -> Cohort:
    """Load ``params/<programme>/cohort-<n>.yaml`` merged over the programme's ``defaults``."""
    prog = load_programme(params_dir, programme)
    if isinstance(cohort, bool) or not isinstance(cohort, int) or not 1 <= cohort <= 1_000_000:
        raise ParameterError(f"`cohort` must be a whole number from 1 to 1,000,000; got {cohort!r}")
    path = Path(params_dir) / programme / f"cohort-{cohort}.yaml"
    if not path.is_file():
        check_not_other(path)
        raise ParameterError(
            f"{shown_path(path)}: no parameter file for cohort {cohort} of programme {programme!r} "
            f"(cohorts with parameters: {list_cohorts(params_dir, programme) or 'none'})"
        )
    data = {**prog.defaults, **read_yaml(path)}
    try:
        result = Cohort.model_validate(data)
    except ValidationError as exc:
        raise explain(path, exc, Cohort) from None
    if result.programme != programme or result.cohort != cohort:
        raise ParameterError(
            f"{shown_path(path)}: keys `programme`/`cohort` say {result.programme!r}/{result.cohort}; "
            f"the file name says {programme!r}/{cohort}"
        )
    return result


def list_programmes(params_dir: Path | str) -> list[str]:
    """Programmes with a parameter folder (``<params_dir>/<programme>/programme.yaml``), sorted."""
    return sorted(p.parent.name for p in Path(params_dir).glob("*/programme.yaml"))


def list_cohorts(params_dir: Path | str, programme: str) -> list[int]:
    """Cohort numbers that have a parameter file, in order."""
    folder = Path(params_dir) / check_name(programme, "programme")
    out = []
    for p in folder.glob("cohort-*.yaml"):
        suffix = p.stem.removeprefix("cohort-")
        if suffix.isdigit():
            out.append(int(suffix))
    return sorted(out)


def item_map(instruments: dict[str, Instrument] | list[Instrument]) -> pd.DataFrame:
    """Flatten instruments into one row per item: the table scoring works from.

    Returns
    -------
    DataFrame
        Columns ``instrument, scale, item, reverse, low, high, min_answered,
        higher_is_better, kirkpatrick_level, waves, raters`` (``waves``/``raters`` are
        comma-separated lists of where the scale is answered).

    Examples
    --------
    >>> inst = Instrument(name="demo", title="Demo", source="illustrative",
    ...                   response_range=(1, 5),
    ...                   scales={"s": Scale(title="S", kirkpatrick_level=2,
    ...                                      items=["a", "b"], reverse=["b"])})
    >>> item_map([inst])[["scale", "item", "reverse", "low", "high"]]
      scale item  reverse  low  high
    0     s    a    False  1.0   5.0
    1     s    b     True  1.0   5.0
    """
    values = instruments.values() if isinstance(instruments, dict) else instruments
    rows = []
    for inst in values:
        low, high = inst.response_range
        for scale_name, scale in inst.scales.items():
            for item in scale.items:
                rows.append(
                    {
                        "instrument": inst.name,
                        "scale": scale_name,
                        "item": item,
                        "reverse": item in scale.reverse,
                        "low": float(low),
                        "high": float(high),
                        "min_answered": float(scale.min_answered or inst.min_answered),
                        "higher_is_better": bool(
                            inst.higher_is_better if scale.higher_is_better is None else scale.higher_is_better
                        ),
                        "kirkpatrick_level": int(scale.kirkpatrick_level),
                        "waves": ",".join(inst.scale_waves(scale_name)),
                        "raters": ",".join(inst.scale_raters(scale_name)),
                    }
                )
    return pd.DataFrame(rows)
