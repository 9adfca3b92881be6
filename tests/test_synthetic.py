"""The synthetic demonstration data: reproducible to the byte, and realistic where it counts."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.core.vocabulary import COST_CATEGORIES, FRAMEWORK_AREAS, ROLE_LEVELS, SECTORS
from evaluation.data.params import (
    item_map,
    list_cohorts,
    load_cohort,
    load_instruments,
    load_programme,
)
from evaluation.data.synthetic import COUNCIL_AREAS, synthesise

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
LTD, CLP = "leading-to-deliver", "collaborative-leadership"
PROGRAMMES = (LTD, CLP)
CENTRAL_BELT = {name for name, (_, kind) in COUNCIL_AREAS.items() if kind == "central"}
KNOWN_DEFLATORS = {
    2005: 61.57,
    2008: 66.89,
    2010: 69.12,
    2015: 75.15,
    2019: 81.11,
    2020: 85.21,
    2021: 85.64,
    2022: 90.50,
    2023: 96.25,
    2024: 100.0,
}


def _digests(raw: Path) -> dict[str, str]:
    return {
        str(p.relative_to(raw)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(raw.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[Path]]:
    data = tmp_path_factory.mktemp("synthetic") / "data"
    return data / "raw", synthesise(data, PARAMS)


@pytest.fixture(scope="module")
def raw(generated) -> Path:
    return generated[0]


def _read(raw: Path, programme: str, table: str) -> pd.DataFrame:
    return pd.read_csv(raw / programme / f"{table}.csv", dtype=str, keep_default_na=False)


def _comparison_ids(raw: Path, programme: str) -> set[str]:
    people = _read(raw, programme, "participants")
    return set(people.loc[people["group"] == "comparison", "participant_id"]) if "group" in people else set()


@pytest.fixture(scope="module")
def participants(raw) -> dict[str, pd.DataFrame]:
    """The programmes' participants (a comparison group's members left out: see the tests at the end)."""
    out = {}
    for prog in PROGRAMMES:
        df = _read(raw, prog, "participants")
        df = df[~df["participant_id"].isin(_comparison_ids(raw, prog))].drop(columns="group", errors="ignore")
        df["cohort"] = df["cohort"].astype(int)
        df["sessions_attended"] = df["sessions_attended"].astype(int)
        out[prog] = df
    return out


@pytest.fixture(scope="module")
def responses(raw) -> dict[str, pd.DataFrame]:
    """Responses with the scale of each item and ``v``, the value after reverse-keying."""
    out = {}
    for prog in PROGRAMMES:
        df = _read(raw, prog, "responses")
        df = df[~df["participant_id"].isin(_comparison_ids(raw, prog))]
        df["value"] = pd.to_numeric(df["value"].replace("", np.nan))
        items = item_map(load_instruments(PARAMS, load_programme(PARAMS, prog)))
        df = df.merge(items[["instrument", "item", "scale", "reverse", "low", "high"]], how="left")
        df["v"] = np.where(df["reverse"], df["low"] + df["high"] - df["value"], df["value"])
        out[prog] = df
    return out


def _scores(resp: pd.DataFrame) -> pd.DataFrame:
    """Scale scores (mean of answered items; missing when fewer than 75% answered), wide by wave."""
    grouped = resp.groupby(["participant_id", "rater", "scale", "wave"])
    score = grouped["v"].mean().where(grouped["v"].count() / grouped.size() >= 0.75)
    return score.unstack("wave")


# ------------------------------------------------------------------ reproducibility and format


def test_same_seed_gives_identical_bytes(generated, tmp_path):
    raw, paths = generated
    again = synthesise(tmp_path / "data", PARAMS)
    assert _digests(raw) == _digests(tmp_path / "data" / "raw")
    assert [p.relative_to(tmp_path / "data" / "raw") for p in again] == [
        p.relative_to(raw) for p in paths
    ]
    assert len(_digests(raw)) == len(paths) == 10


def test_other_seed_gives_other_data(raw, tmp_path):
    synthesise(tmp_path, PARAMS, seed=7, programmes=[CLP])
    name = f"{CLP}/responses.csv"
    assert (tmp_path / "raw" / name).read_bytes() != (raw / name).read_bytes()


def test_committed_data_is_a_fresh_generation(raw):
    committed = ROOT / "data" / "raw"
    fresh = _digests(raw)
    assert {k: v for k, v in _digests(committed).items() if k in fresh} == fresh, (
        "data/raw differs from synthesise(data, params): regenerate it with "
        "evaluation.data.synthetic.synthesise(Path('data'), Path('params'))"
    )


def test_files_are_plain_utf8_csv_with_unix_newlines(generated):
    _, paths = generated
    for path in paths:
        data = path.read_bytes()
        assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf"), path
        data.decode("utf-8")
        assert data.endswith(b"\n"), path


def test_unknown_programme_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no synthetic profile"):
        synthesise(tmp_path, PARAMS, programmes=["no-such-programme"])


def test_synthetic_marker(raw):
    for prog in PROGRAMMES:
        marker = json.loads((raw / prog / "SYNTHETIC.json").read_text(encoding="utf-8"))
        assert marker["synthetic"] is True
        assert marker["generator"] == "evaluation.synthetic"  # as written in the shipped marker files (data, not a module path)
        assert marker["seed"] == 20051
        assert "SYNTHETIC" in marker["note"]


# ------------------------------------------------------------------ participants


def test_contract_columns(raw):
    for prog in PROGRAMMES:
        assert list(_read(raw, prog, "participants").columns) == [
            "participant_id", "cohort", "sector", "local_authority", "role_level", "framework_area",
            "gender", "age_band", "ethnicity", "disability", "enrolled_on", "status", "sessions_attended",
        ] + (["group"] if prog == LTD else [])  # fmt: skip
        assert list(_read(raw, prog, "responses").columns) == [
            "participant_id", "wave", "rater", "instrument", "item", "value", "responded_on",
        ]  # fmt: skip
        assert list(_read(raw, prog, "costs").columns) == [
            "cohort", "category", "description", "amount", "price_year", "basis",
        ]  # fmt: skip


def test_cohorts_sizes_ids_and_dates(participants):
    ltd, clp = participants[LTD], participants[CLP]
    sizes = ltd.groupby("cohort").size()
    assert list(sizes.index) == [1, 2, 3, 4, 5]
    assert sizes.between(96, 104).all(), sizes.to_dict()
    assert 25 <= len(clp) <= 35 and set(clp["cohort"]) == {1}
    for prog, pattern in ((LTD, r"LTD-20\d\d-\d{4}"), (CLP, r"CLP-2005-\d{3}")):
        ids = participants[prog]["participant_id"]
        assert ids.is_unique
        assert ids.str.fullmatch(pattern).all()
    years = pd.to_datetime(ltd["enrolled_on"]).dt.year
    assert (years == 2002 + ltd["cohort"]).all()
    clp_dates = pd.to_datetime(clp["enrolled_on"])
    assert ((clp_dates.dt.year == 2005) & (clp_dates.dt.month == 6)).all()


def test_categories_are_contract_values(participants):
    for df in participants.values():
        assert set(df["sector"]) <= set(SECTORS)
        assert set(df["role_level"]) <= set(ROLE_LEVELS)
        assert set(df["framework_area"]) <= set(FRAMEWORK_AREAS)
        assert set(df["local_authority"]) <= set(COUNCIL_AREAS) | {"national"}
        assert set(df["status"]) == {"completed", "withdrew"}
        for column in ("disability", "ethnicity"):
            assert "" in set(df[column]) or len(df) < 50
    ltd = participants[LTD]
    for column in ("disability",):
        assert {"", "not_declared", "prefer_not_to_say"} <= set(ltd[column])


def test_roles_sectors_and_framework_areas(participants):
    ltd, clp = participants[LTD], participants[CLP]
    role = ltd["role_level"].value_counts(normalize=True)
    assert role[["first_line_manager", "middle_manager"]].sum() >= 0.85
    assert {"local_authority", "voluntary", "private"} <= set(ltd["sector"])
    assert (
        ltd["framework_area"].isin(["operational", "professional_practice", "strategic"]).mean()
        >= 0.8
    )
    assert clp["role_level"].isin(["senior_manager", "chief_officer"]).mean() >= 0.6
    assert clp["sector"].isin(["local_authority", "health", "other_public"]).mean() >= 0.8
    assert "private" not in set(clp["sector"])
    assert clp["framework_area"].isin(["strategic", "political"]).mean() >= 0.5


def test_sessions_attended(participants):
    for prog, df in participants.items():
        sessions = load_programme(PARAMS, prog).sessions
        assert df["sessions_attended"].between(0, sessions).all()
        by_status = df.groupby("status")["sessions_attended"].mean()
        assert by_status["withdrew"] < by_status["completed"] - 3


# ------------------------------------------------------------------ responses


def test_responses_follow_the_parameters(participants, responses):
    for prog in PROGRAMMES:
        resp = responses[prog]
        assert resp["scale"].notna().all(), "an item that no instrument defines"
        assert resp["participant_id"].isin(participants[prog]["participant_id"]).all()
        assert not resp.duplicated(["participant_id", "wave", "rater", "instrument", "item"]).any()
        answered = resp["value"].dropna()
        assert answered.between(1, 5).all() and (answered == answered.round()).all()
        cohort_of = participants[prog].set_index("participant_id")["cohort"]
        resp = resp.assign(cohort=resp["participant_id"].map(cohort_of))
        for number in list_cohorts(PARAMS, prog):
            waves = set(load_cohort(PARAMS, prog, number).waves)
            got = resp[resp["cohort"] == number]
            lp = got[got["instrument"] == "leadership-practice"]
            assert set(lp["wave"]) == waves and set(lp["rater"]) == {"self"}
            reaction = got[got["instrument"] == "programme-reaction"]
            assert set(reaction["wave"]) == {"post"} and set(reaction["rater"]) == {"self"}
            observed = got[got["instrument"] == "workplace-behaviour"]
            assert set(observed["wave"]) == {"pre", "post"} & waves
            assert set(observed["rater"]) == {"line_manager"}


def test_withdrawn_have_no_later_answers_and_some_line_managers_never_answer(
    participants, responses
):
    for prog in PROGRAMMES:
        withdrawn = participants[prog].query("status == 'withdrew'")["participant_id"]
        resp = responses[prog]
        later = resp[
            resp["participant_id"].isin(withdrawn)
            & resp["wave"].isin(["then", "post", "follow_up"])
        ]
        assert later.empty
        rated = set(resp.loc[resp["rater"] == "line_manager", "participant_id"])
        never = 1 - len(rated) / len(participants[prog])
        assert 0.05 <= never <= 0.35, never


def test_item_nonresponse(responses):
    for prog, resp in responses.items():
        blank = resp["value"].isna().mean()
        assert 0.015 <= blank <= 0.05, (prog, blank)
    grouped = responses[LTD].groupby(["participant_id", "wave", "rater", "scale"])["value"]
    share = grouped.count() / grouped.size()
    assert 10 <= (share < 0.75).sum() <= 0.05 * len(share), (
        "some scale scores must fail the 75% rule"
    )


def test_attrition_is_10_to_20_percent_and_related_to_baseline(participants, responses):
    for prog in PROGRAMMES:
        lp = responses[prog][responses[prog]["instrument"] == "leadership-practice"]
        baseline = lp[lp["wave"] == "pre"].groupby("participant_id")["v"].mean()
        posted = set(lp.loc[lp["wave"] == "post", "participant_id"])
        for cohort, people in participants[prog].groupby("cohort"):
            base = baseline[baseline.index.isin(people["participant_id"])]
            lost = ~base.index.isin(posted)
            assert 0.10 <= lost.mean() <= 0.20, (prog, cohort, lost.mean())
            assert base[lost].mean() < base[~lost].mean() - 0.2, (prog, cohort)
    # follow-up response is lower still: 65-90% of those who answered at post
    lp = responses[LTD][responses[LTD]["instrument"] == "leadership-practice"]
    cohort_of = participants[LTD].set_index("participant_id")["cohort"]
    for number in list_cohorts(PARAMS, LTD):
        if "follow_up" not in load_cohort(PARAMS, LTD, number).waves:
            continue
        mine = lp[lp["participant_id"].map(cohort_of) == number]
        posted = set(mine.loc[mine["wave"] == "post", "participant_id"])
        followed = set(mine.loc[mine["wave"] == "follow_up", "participant_id"])
        assert followed <= posted
        assert 0.65 <= len(followed) / len(posted) <= 0.90, (number, len(followed) / len(posted))


def test_effects_differ_by_scale_and_rater(responses):
    scores = _scores(responses[LTD])
    self_ = scores.xs("self", level="rater")
    change = (self_["post"] - self_["pre"]).groupby(level="scale")
    mean, d_z = change.mean(), change.mean() / change.std()
    assert mean["leading_change"] > mean["governance_accountability"] + 0.2
    assert mean["vision_direction"] > mean["reflective_practice"] + 0.2
    assert 0.5 <= d_z["leading_change"] <= 0.9 and 0.5 <= d_z["vision_direction"] <= 0.9
    assert 0.25 <= d_z["partnership_working"] <= 0.5
    assert abs(d_z["governance_accountability"]) < 0.2 and abs(d_z["reflective_practice"]) < 0.2
    # line managers see less change than participants report
    observed = scores.xs(("line_manager", "observed_leading_change"), level=("rater", "scale"))
    assert 0 < (observed["post"] - observed["pre"]).mean() < mean["leading_change"] / 2
    # response shift: the retrospective then-test sits below the pre-test
    lc = self_.xs("leading_change", level="scale")
    assert (lc["then"] - lc["pre"]).mean() < -0.1
    # follow-up keeps most, not all, of the gain (same people)
    both = lc.dropna(subset=["pre", "post", "follow_up"])
    kept = (both["follow_up"] - both["pre"]).mean() / (both["post"] - both["pre"]).mean()
    assert 0.5 <= kept <= 1.0, kept
    clp = _scores(responses[CLP]).xs("self", level="rater")
    clp_change = (clp["post"] - clp["pre"]).groupby(level="scale").mean()
    assert clp_change["leading_change"] > clp_change["governance_accountability"] + 0.2


def test_cronbach_alpha_is_acceptable(responses):
    resp = responses[LTD]
    for (wave, scale), group in resp[resp["wave"].isin(["pre", "post"])].groupby(["wave", "scale"]):
        items = group.pivot_table(index="participant_id", columns="item", values="v").dropna()
        k = items.shape[1]
        alpha = k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var())
        assert 0.70 <= alpha <= 0.92, (wave, scale, alpha)


# ------------------------------------------------------------------ equity of access


def test_uneven_access(participants, raw):
    workforce = pd.read_csv(raw / "reference" / "workforce.csv")
    workforce = workforce[workforce["population"] == "all_staff"]
    ltd = participants[LTD]
    sector = workforce[workforce["dimension"] == "sector"].set_index("category")["headcount"]
    representation = ltd["sector"].value_counts(normalize=True) / (sector / sector.sum())
    assert representation["private"] < 0.5
    assert representation["local_authority"] > 1.2
    la = workforce[workforce["dimension"] == "local_authority"].set_index("category")["headcount"]
    central_share_workforce = la[la.index.isin(CENTRAL_BELT)].sum() / la.sum()
    assert ltd["local_authority"].isin(CENTRAL_BELT).mean() > central_share_workforce + 0.05
    counts = ltd["local_authority"].value_counts().reindex(list(COUNCIL_AREAS), fill_value=0)
    assert counts.between(1, 4).sum() >= 2, "small council-area cells for disclosure control"
    assert counts[["orkney_islands", "shetland_islands", "na_h_eileanan_siar"]].max() <= 4
    for _, cohort in ltd.groupby("cohort"):
        assert cohort["local_authority"].value_counts().between(1, 4).any()


# ------------------------------------------------------------------ costs


def test_costs(raw, participants):
    for prog in PROGRAMMES:
        costs = _read(raw, prog, "costs")
        assert set(costs["category"]) <= set(COST_CATEGORIES)
        assert set(costs["basis"]) <= {"fixed", "per_participant"}
        assert costs["amount"].str.fullmatch(r"\d+\.\d\d").all()
        assert (costs["cohort"] == "").any(), "programme-level lines have a blank cohort"
        lines = costs[costs["cohort"] != ""]
        cohort_year = participants[prog].groupby("cohort")["enrolled_on"].first().str[:4]
        assert (lines["price_year"] == lines["cohort"].astype(int).map(cohort_year)).all()
    ltd = _read(raw, LTD, "costs")
    assert "participant_time" not in set(ltd["category"])
    assert {"needs_assessment", "design", "evaluation"} <= set(
        ltd.loc[ltd["cohort"] == "", "category"]
    )
    sizes = participants[LTD].groupby("cohort").size()
    for cohort, lines in ltd[ltd["cohort"] != ""].groupby("cohort"):
        amount = lines["amount"].astype(float)
        residential = lines["category"].isin(["delivery", "venue"])
        fixed = amount[residential & (lines["basis"] == "fixed")].sum()
        variable = amount[residential & (lines["basis"] == "per_participant")].sum()
        per_head = fixed / sizes[int(cohort)] + variable
        assert 3000 <= per_head <= 5000, (cohort, per_head)
    clp = _read(raw, CLP, "costs")
    assert (clp["category"] == "participant_time").sum() == 1


# ------------------------------------------------------------------ reference tables


def test_workforce_calibration(raw, participants):
    everything = pd.read_csv(raw / "reference" / "workforce.csv", keep_default_na=False)
    assert list(everything.columns) == ["year", "population", "dimension", "category", "headcount", "source"]
    assert not everything.duplicated(["year", "population", "dimension", "category"]).any()
    assert (everything["source"].str.len() > 10).all()
    wf = everything[everything["population"] == "all_staff"]
    assert set(wf["year"]) == {2018}
    assert (wf["headcount"] % 10 == 0).all()
    totals = wf.groupby("dimension")["headcount"].sum()
    assert (totals == 210_000).all(), totals.to_dict()
    sector = wf[wf["dimension"] == "sector"].set_index("category")["headcount"] / 210_000
    public = sector[["local_authority", "health", "other_public"]].sum()
    assert abs(public - 0.33) <= 0.01 and abs(sector["private"] - 0.40) <= 0.01
    assert abs(sector["voluntary"] - 0.28) <= 0.01
    gender = wf[wf["dimension"] == "gender"].set_index("category")["headcount"] / 210_000
    assert abs(gender["female"] - 0.82) <= 0.01
    areas = set(wf.loc[wf["dimension"] == "local_authority", "category"])
    assert set(COUNCIL_AREAS) <= areas and len(COUNCIL_AREAS) == 32
    orkney = wf.query("dimension == 'local_authority' and category == 'orkney_islands'")[
        "headcount"
    ]
    assert 1_100 <= orkney.iloc[0] <= 1_400
    for dimension in ("ethnicity", "disability", "age_band"):
        assert wf.loc[wf["dimension"] == dimension, "source"].str.contains("ILLUSTRATIVE").all()
    assert wf.loc[wf["dimension"] == "sector", "source"].str.contains("SSSC").all()
    # every category a participant uses has a denominator
    for df in participants.values():
        for dimension in (
            "sector",
            "local_authority",
            "role_level",
            "gender",
            "age_band",
            "ethnicity",
            "disability",
        ):
            used = set(df[dimension]) - {""}
            assert used <= set(wf.loc[wf["dimension"] == dimension, "category"]), dimension


def test_manager_populations(raw, participants):
    """The programmes' eligible populations cover their cohorts' years; every figure says it is illustrative."""
    wf = pd.read_csv(raw / "reference" / "workforce.csv", keep_default_na=False)
    years = {pop: set(g["year"]) for pop, g in wf.groupby("population")}
    ltd_years = {int(d[:4]) for d in participants[LTD]["enrolled_on"]}
    clp_years = {int(d[:4]) for d in participants[CLP]["enrolled_on"]}
    assert ltd_years == {2003, 2004, 2005, 2006, 2007} <= years["first_and_middle_managers"]
    assert clp_years <= years["public_service_senior_managers"]
    managers = wf[wf["population"] != "all_staff"]
    assert managers["source"].str.startswith("ILLUSTRATIVE").all()
    assert (managers["headcount"] > 0).all()
    # one total per population x year, the same in every dimension
    totals = managers.groupby(["population", "year", "dimension"])["headcount"].sum().groupby(level=[0, 1]).nunique()
    assert (totals == 1).all()
    roles = managers[managers["dimension"] == "role_level"]
    assert set(roles.loc[roles["population"] == "first_and_middle_managers", "category"]) == {
        "first_line_manager", "middle_manager"}
    assert set(roles.loc[roles["population"] == "public_service_senior_managers", "category"]) == {"senior_manager", "chief_officer"}
    # every council area and national bodies are in every population x year
    for _, g in managers.groupby(["population", "year"]):
        assert set(g.loc[g["dimension"] == "local_authority", "category"]) == set(COUNCIL_AREAS) | {"national"}


def test_gdp_deflators(raw):
    deflators = pd.read_csv(raw / "reference" / "gdp_deflators.csv")
    assert list(deflators.columns[:3]) == ["year", "index", "source"]
    index = deflators.set_index("year")["index"]
    assert set(range(2000, 2025)) <= set(index.index)
    for year, value in KNOWN_DEFLATORS.items():
        assert index[year] == value, year
    assert index.is_monotonic_increasing
    assert deflators["source"].str.contains("December 2025").all()
    assert deflators["source"].str.contains("HM Treasury").all()


def test_no_participant_time_rows_needed_for_ltd_roles(participants):
    hourly = load_programme(PARAMS, LTD).staff_hourly_cost
    assert hourly is not None
    assert set(participants[LTD]["role_level"]) <= set(hourly.by_role_level)


def test_ids_look_like_registration_numbers(participants):
    sample = participants[LTD]["participant_id"].iloc[0]
    assert re.fullmatch(r"LTD-2003-\d{4}", sample)


# ------------------------------------------------------------------ the comparison group (LtD cohort 3)


def test_the_comparison_group_is_cohort_3_of_ltd_only(raw):
    clp = _read(raw, CLP, "participants")
    assert "group" not in clp.columns
    ltd = _read(raw, LTD, "participants")
    assert set(ltd["group"]) == {"programme", "comparison"}
    comparison = ltd[ltd["group"] == "comparison"]
    assert set(comparison["cohort"]) == {"3"} and 58 <= len(comparison) <= 64
    assert comparison["participant_id"].str.fullmatch(r"LTDC-2005-\d{4}").all()
    assert (comparison["status"] == "").all() and (comparison["sessions_attended"] == "").all()
    # appended after every programme row, in both files
    assert (ltd["group"].iloc[-len(comparison):] == "comparison").all()
    answers = _read(raw, LTD, "responses")
    theirs = answers["participant_id"].isin(set(comparison["participant_id"]))
    assert theirs.iloc[-theirs.sum():].all()
    # no then-test and no reaction questionnaire: they did not take the programme
    assert "then" not in set(answers.loc[theirs, "wave"])
    assert "programme-reaction" not in set(answers.loc[theirs, "instrument"])
    assert {"pre", "post", "follow_up"} <= set(answers.loc[theirs, "wave"])


def test_the_comparison_group_changes_less_than_the_participants(raw):
    comparison = _comparison_ids(raw, LTD)
    resp = _read(raw, LTD, "responses")
    resp["value"] = pd.to_numeric(resp["value"].replace("", np.nan))
    items = item_map(load_instruments(PARAMS, load_programme(PARAMS, LTD)))
    resp = resp.merge(items[["instrument", "item", "scale", "reverse", "low", "high"]], how="left")
    resp["v"] = np.where(resp["reverse"], resp["low"] + resp["high"] - resp["value"], resp["value"])
    people = _read(raw, LTD, "participants")
    cohort3 = set(people.loc[people["cohort"] == "3", "participant_id"])
    change = {}
    for name, ids in (("programme", cohort3 - comparison), ("comparison", comparison)):
        wide = _scores(resp[resp["participant_id"].isin(ids) & (resp["rater"] == "self")]).dropna(subset=["pre", "post"])
        change[name] = (wide["post"] - wide["pre"]).groupby("scale").mean()
    assert change["comparison"]["leading_change"] < change["programme"]["leading_change"] - 0.1
    assert (change["comparison"] < change["programme"]).sum() >= 5


def test_the_comparison_group_draws_from_its_own_streams(raw, tmp_path, monkeypatch):
    # without the comparison group, the programme's rows are the same bytes (without the column)
    import evaluation.data.synthetic.generate as generate

    profile = generate.PROGRAMMES[LTD]
    monkeypatch.setitem(generate.PROGRAMMES, LTD, dataclasses.replace(profile, comparison={}))
    synthesise(tmp_path, PARAMS, programmes=[LTD])
    alone = (tmp_path / "raw" / LTD / "participants.csv").read_text().splitlines()
    shipped = (raw / LTD / "participants.csv").read_text().splitlines()
    kept = [line.removesuffix(",programme") for line in shipped[1:] if not line.endswith(",comparison")]
    assert shipped[0] == alone[0] + ",group" and kept == alone[1:]
    answers = (raw / LTD / "responses.csv").read_text()
    assert answers.startswith((tmp_path / "raw" / LTD / "responses.csv").read_text())


def test_scaled_cohort_is_drawn_in_blocks_reproducibly_and_ingests(tmp_path):
    """`synthesise_scaled` writes one cohort of any size block by block: the same seed and block
    give byte-identical files, identifiers are unique and ordered, and ingest accepts the marker."""
    import shutil

    from evaluation.core.io import sha256_file
    from evaluation.core.paths import PARAMS_DIR
    from evaluation.data.ingest import ingest
    from evaluation.data.synthetic.scaled import synthesise_scaled

    params = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    first = synthesise_scaled(tmp_path / "a", params, 1_200, block=500)
    again = synthesise_scaled(tmp_path / "b", params, 1_200, block=500)
    assert [sha256_file(p) for p in first] == [sha256_file(p) for p in again]
    raw = tmp_path / "a" / "raw" / "leading-to-deliver"
    people = pd.read_csv(raw / "participants.csv", dtype=str)
    answers = pd.read_csv(raw / "responses.csv", dtype=str, usecols=["participant_id"])
    assert len(people) == 1_200 and people["participant_id"].is_unique
    assert people["participant_id"].tolist() == sorted(people["participant_id"])
    assert set(people["cohort"]) == {"2"}
    assert answers["participant_id"].is_monotonic_increasing  # blocks follow one another
    assert set(answers["participant_id"]) <= set(people["participant_id"])
    result = ingest("leading-to-deliver", data_dir=tmp_path / "a", params_dir=params)
    rows = {entry["path"]: entry["rows"] for entry in result.manifest["outputs"]}
    assert rows["participants.parquet"] == 1_200
