"""One cohort's synthetic people and answers, and a cohort's comparison group (drawn from their own streams)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from evaluation.core.vocabulary import WAVES
from evaluation.data.params import Instrument
from evaluation.data.synthetic.profiles import (
    _FOLLOW_UP_RETAINED,
    _GAIN_SD,
    _GENERAL_LOADING,
    _ITEM_BLANK,
    _ITEM_SD,
    _LINE_MANAGER_MISS_POST,
    _LINE_MANAGER_MISS_PRE,
    _LINE_MANAGER_NEVER,
    _OBSERVER_GAIN,
    _OBSERVER_ITEM_SD,
    _PERSON_SD,
    _RESPONSE_SHIFT,
    _ROLE_SHIFT,
    _SCALE_SKIP,
    _SELF_MEAN,
    Profile,
    _choose,
    _dates,
    _rng,
    _top_k,
)
from evaluation.data.synthetic.reference import _WORKFORCE_PER_HEAD, COUNCIL_AREAS

__all__: list[str] = []

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
    stream: str = "participants",
) -> _Cohort:
    rng = _rng(seed, name, stream, cohort)
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
    stream: str = "responses",
) -> pd.DataFrame:
    """Long-format answers of one cohort, as arrays (row order fixed later)."""
    rng = _rng(seed, name, stream, cohort)
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


def _comparison_group(
    name: str,
    profile: Profile,
    cohort: int,
    year: int,
    waves: list[str],
    instruments: dict[str, Instrument],
    self_scales: list[str],
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One cohort's comparison group: participants rows (``group`` = comparison) and their answers.

    Drawn from their own random streams (``comparison_participants``, ``comparison_responses``),
    so the programme's data are the same with or without them. They took no part in the
    programme: no status, no sessions, no reaction questionnaire and no then-test.
    """
    spec = profile.comparison[cohort]
    like = replace(profile, size=spec.size, prefix=spec.prefix,
                   gain={s: spec.gain_share * g for s, g in profile.gain.items()})
    people = _cohort_people(name, like, cohort, year, 0, self_scales, seed, stream="comparison_participants")
    people.participants["status"] = ""
    people.participants["sessions_attended"] = pd.array([pd.NA] * len(people.participants), dtype="Int64")
    people.participants["group"] = "comparison"
    reaction = {i for inst in instruments.values() for s in inst.scales.values() if s.kirkpatrick_level == 1
                for i in s.items}
    answers = _cohort_responses(name, like, people, [w for w in waves if w != "then"], instruments, self_scales,
                                seed, cohort, stream="comparison_responses")
    return people.participants, answers[~answers["item"].isin(reaction)].reset_index(drop=True)
