"""The equity-of-access report on the shipped synthetic data (cohort 2 of Leading to Deliver)."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import warnings

import nbformat
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from evaluation.core.errors import DemoKeyWarning, ParameterError
from evaluation.core.paths import NOTEBOOKS_DIR, PARAMS_DIR
from evaluation.core.vocabulary import UNDECLARED
from evaluation.data.cohort import load_cohort_data
from evaluation.data.params import EquitySettings
from evaluation.reports import equity_report as er
from evaluation.reports.equity_report.words import group_words, no_one_words, staff_words
from evaluation.stats.disclosure import LOG_COLUMNS

CONTRACT = ["dimension", "category", "participants", "eligible", "rate_per_1000", "share_participants",
            "share_eligible", "representation_index", "relative_likelihood", "rl_ci_low", "rl_ci_high", "band",
            "suppressed"]


@pytest.fixture(scope="module")
def cohort2(tmp_path_factory):
    from evaluation.data.ingest import ingest
    from evaluation.data.synthetic import synthesise

    root = tmp_path_factory.mktemp("equity")
    synthesise(root / "data", PARAMS_DIR)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("EVALUATION_ID_KEY", raising=False)
        mp.delenv("EVALUATION_ID_KEY_FILE", raising=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DemoKeyWarning)  # synthetic data: the labelled demo key
            ingest("leading-to-deliver", data_dir=root / "data", params_dir=PARAMS_DIR)
    data = load_cohort_data("leading-to-deliver", 2, data_dir=root / "data", params_dir=PARAMS_DIR)
    return root, data, er.equity_tables(data)


def test_equity_table_has_the_contract_columns(cohort2):
    _, data, result = cohort2
    table = result.tables["equity"]
    assert list(table.columns[: len(CONTRACT)]) == CONTRACT
    assert list(table.columns[len(CONTRACT):]) == ["reference_category", "workforce_year", "population", "benchmark"]
    assert set(table["dimension"]) == set(data.cohort.equity.dimensions)
    assert set(table["band"]) <= {"within", "disparity", "inconclusive", ""}
    assert set(table["suppressed"]) <= {"", "primary", "secondary"}
    # issue 11: the denominator is the programme's eligible population (programme.yaml) for the cohort's
    # year of enrolment, 2004, which workforce.csv has for first-line and middle managers
    assert set(table["population"]) == {"first_and_middle_managers"}
    assert set(table["workforce_year"]) == {2004} and result.cohort_year == 2004
    assert set(table["benchmark"]) <= set(er.tables.BENCHMARKS)


def test_the_denominator_is_the_eligible_population(cohort2):
    root, data, result = cohort2
    table = result.tables["equity"].set_index(["dimension", "category"])
    wf = pd.read_csv(root / "data" / "raw" / "reference" / "workforce.csv")
    managers = wf[(wf["population"] == "first_and_middle_managers") & (wf["year"] == 2004)]
    private = managers.query("dimension == 'sector' and category == 'private'")["headcount"].iloc[0]
    assert table.loc[("sector", "private"), "eligible"] == private
    # by hand from workforce.csv (2004 managers: local authority 7,140, private 6,010) and the cohort's places
    # (local authority 47, private 10): RL = (10/6010)/(47/7140) = 0.0016639/0.0065826 = 0.25277
    assert table.loc[("sector", "private"), "relative_likelihood"] == pytest.approx(0.25277, abs=1e-5)
    # frontline staff and senior managers are outside a first-line and middle managers' programme: counted
    # (here withheld, being few), eligible 0, no rate, index, relative likelihood or band
    for role in ("frontline", "senior_manager"):
        row = table.loc[("role_level", role)]
        assert row["benchmark"] == "outside_eligible_population" and row["eligible"] == 0
        assert pd.isna(row["rate_per_1000"]) and pd.isna(row["relative_likelihood"]) and row["band"] == ""
    # national bodies: their own category, no relative likelihood against a council area
    national = table.loc[("local_authority", "national")]
    assert national["benchmark"] == "national_bodies" and pd.isna(national["relative_likelihood"])
    assert "national" not in set(result.tables["council_areas"]["category"])
    notes = " ".join(result.tables["notes"]["message"])
    # in plain words, as the Data notes table shows them (not "dimension 'role_level': frontline, senior_manager")
    assert ("By role level: 'frontline' and 'senior manager' are outside the eligible population (first-line and "
            "middle managers): places taken by people in them are counted") in notes


def test_an_unknown_population_at_report_time_names_the_key(cohort2):
    _, data, _ = cohort2
    odd = dataclasses.replace(data, programme=data.programme.model_copy(update={"eligible_population": "nurses"}))
    with pytest.raises(ParameterError, match=r"programme.yaml: key `eligible_population` is 'nurses'.*populations "
                                             r"there: all_staff, first_and_middle_managers, public_service_senior_managers"):
        er.equity_tables(odd)


def test_nearest_year_and_its_gap_are_stated(cohort2):
    _, data, _ = cohort2
    wf = data.workforce
    # leave the managers' 2003 and 2004 figures out: 2005 is then the nearest year to the cohort's 2004
    fewer = wf[~((wf["population"] == "first_and_middle_managers") & wf["year"].isin([2003, 2004]))]
    shifted = dataclasses.replace(data, workforce=fewer.reset_index(drop=True))
    result = er.equity_tables(shifted)
    assert set(result.tables["equity"]["workforce_year"]) == {2005}
    text = er.equity_summary(result, shifted)
    assert "the nearest year with figures is 2005, 1 year from the cohort's 2004" in text


def test_uneven_access_shows_a_disparity_and_small_groups_are_suppressed(cohort2):
    _, _, result = cohort2
    table = result.tables["equity"]
    assert (table["band"] == "disparity").any()
    private = table[(table["dimension"] == "sector") & (table["category"] == "private")].iloc[0]
    assert private["band"] == "disparity" and private["relative_likelihood"] < 0.8
    assert (table["suppressed"] == "primary").any() and (table["suppressed"] == "secondary").any()


def _counts(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").dropna()


def test_no_published_count_from_1_to_4(cohort2):
    _, data, result = cohort2
    t = data.cohort.disclosure_threshold
    tables = result.tables
    for name, column in [("equity", "participants"), ("completion", "participants"),
                         ("outcome_change", "n_pairs"), ("council_areas", "participants")]:
        shown = _counts(tables[name], column)
        assert not ((shown >= 1) & (shown < t)).any(), name
    # everything about a suppressed row is withheld, the band included
    table = tables["equity"]
    hidden = table[table["suppressed"] != ""]
    assert hidden[["participants", "rate_per_1000", "share_participants", "representation_index",
                   "relative_likelihood", "rl_ci_low", "rl_ci_high"]].isna().all().all()
    assert (hidden["band"] == "").all()
    for name, columns in [("completion", ["completion_rate", "ci_low", "ci_high"]),
                          ("outcome_change", ["mean_change", "change_ci_low", "change_ci_high", "d_z"])]:
        rows = tables[name][tables[name]["suppressed"] != ""]
        assert rows[columns].isna().all().all(), name
    # groups suppressed in the equity table are suppressed in the completion and outcome tables too
    key = set(zip(hidden["dimension"], hidden["category"], strict=True))
    for name in ("completion", "outcome_change"):
        other = tables[name]
        flagged = other[[(d, c) in key for d, c in zip(other["dimension"], other["category"], strict=True)]]
        assert (flagged["suppressed"] != "").all(), name


def _integer_bounds(values, published, lines, labels, threshold):
    """Integer bounds (scipy milp) of each hidden cell given published cells and ``total = Σ parts`` lines."""
    hidden = [i for i in range(len(values)) if not published[i]]
    pos = {cell: k for k, cell in enumerate(hidden)}
    a, b = [], []
    for total, parts in lines:
        coef, rhs = np.zeros(len(hidden)), 0.0
        for cell, sign in [(total, -1.0), *[(p, 1.0) for p in parts]]:
            if cell in pos:
                coef[pos[cell]] += sign
            else:
                rhs -= sign * values[cell]
        if coef.any():
            a.append(coef)
            b.append(rhs)
    lower = np.ones(len(hidden))
    upper = np.array([threshold - 1.0 if labels[i] == "primary" else sum(values) for i in hidden])
    cons = [LinearConstraint(np.array(a), np.array(b), np.array(b))]
    out = {}
    for k, cell in enumerate(hidden):
        e = np.zeros(len(hidden))
        e[k] = 1
        lo = milp(e, constraints=cons, integrality=np.ones(len(hidden)), bounds=Bounds(lower, upper))
        hi = milp(-e, constraints=cons, integrality=np.ones(len(hidden)), bounds=Bounds(lower, upper))
        out[cell] = (lo.fun, -hi.fun)
    return out


def test_no_suppressed_count_can_be_worked_out(cohort2):
    """From the published counts, the cohort size and the declaration rate (independent check)."""
    _, data, result = cohort2
    t = data.cohort.disclosure_threshold
    n = len(data.participants)
    table, declaration = result.tables["equity"], result.tables["declaration"].set_index("dimension")
    truth = data.participants
    for dim, rows in table.groupby("dimension", sort=False):
        cats = rows["category"].tolist()
        col = truth[dim].astype(str).replace("", "not_recorded")
        values = [float((col == c).sum()) for c in cats]
        published = rows["participants"].notna().tolist()
        labels = rows["suppressed"].tolist()
        if all(published):
            continue
        lines = [(len(cats), list(range(len(cats))))]
        values.append(float(n))
        published.append(True)
        labels.append("")
        rate = declaration.loc[dim, "declaration_rate"]
        undeclared = [i for i, c in enumerate(cats) if c in UNDECLARED]
        if not pd.isna(rate) and undeclared:
            values.append(round(n * (1 - rate)))
            published.append(True)
            labels.append("")
            lines.append((len(values) - 1, undeclared))
        for cell, (lo, hi) in _integer_bounds(values, published, lines, labels, t).items():
            assert lo <= values[cell] <= hi
            assert hi - lo >= 1, f"{dim}/{cats[cell]} can be worked out ({lo:g}..{hi:g})"


def test_statistics_come_from_published_cells_only(cohort2):
    _, _, result = cohort2
    gof = result.tables["goodness_of_fit"]
    # "none": a test whose number of places would reveal a withheld group is not computed (issue 11)
    assert set(gof["method"]) <= {"chi_square", "monte_carlo", "none"}
    assert gof["description"].str.contains("chi-square|Monte Carlo|not computed").all()
    assert (gof.loc[gof["method"] == "monte_carlo", "draws"] == er.MONTE_CARLO_DRAWS).all()
    # the role-level test is over the eligible population's categories only (first-line, middle managers)
    role = gof.set_index("dimension").loc["role_level"]
    assert role["categories"] == 2 and "places outside the eligible population left out" in role["description"]
    lorenz = result.tables["lorenz"]
    # the national bodies' count is withheld in cohort 2, so they are pooled with the withheld areas (said so)
    pooled = "suppressed areas (pooled) with national bodies"
    assert pooled in lorenz["unit"].tolist()
    assert result.tables["spread"].set_index("measure").loc["national_bodies_pooled", "value"] == 1
    shown = set(result.tables["council_areas"].dropna(subset=["participants"])["category"])
    assert set(lorenz["unit"]) - {"", pooled} <= shown
    gini = result.tables["spread"].set_index("measure").loc["gini", "value"]
    assert 0 < gini < 1


def test_a_gini_with_withheld_areas_pooled_is_called_a_lower_bound(cohort2):
    # METHODS: "When suppressed areas are pooled, the Gini is a lower bound and is labelled so";
    # the summary, the finding and the figure gave it as a plain value
    from evaluation.viz import equity_plots

    _, data, result = cohort2
    spread = result.tables["spread"].set_index("measure")
    assert spread.loc["suppressed_areas_pooled", "value"] > 0
    g = spread.loc["gini", "value"]
    assert "so a lower bound" in spread.loc["gini", "description"]
    text = er.equity_summary(result, data)
    assert (f"The workforce-weighted Gini coefficient of places per 1,000 eligible staff is at least {g:.2f} (a lower "
            "bound: the withheld areas count as one") in text
    finding = next(f for f in er.equity_findings(result, data) if f.id == "equity.local_authority.gini")
    assert f"Gini coefficient of at least {g:.2f}" in finding.statement and "lower bound" in finding.statement
    plot = equity_plots.lorenz_chart(result.tables["lorenz"], g)
    assert plot.title.endswith(f"(Gini at least {g:.2f})")
    assert f"Gini coefficient at least {g:.2f} (a lower bound" in plot.alt
    # with nothing pooled, a plain value and no "withheld areas pooled"
    plain = result.tables["lorenz"][~result.tables["lorenz"]["unit"].str.startswith("suppressed")]
    plot = equity_plots.lorenz_chart(plain, g)
    assert "at least" not in plot.title + plot.alt and "pooled" not in plot.alt


def test_a_group_that_completed_in_full_is_never_named_among_the_lowest(cohort2):
    # cohort 1's summary named Midlothian (100%, tied with five other groups) among "the lowest
    # completion rates among the groups shown"
    import dataclasses

    _, data, result = cohort2
    comp = result.tables["completion"].copy()
    shown = comp["completion_rate"].notna()
    assert shown.sum() >= 4

    def said(rates):
        table = comp.copy()
        table.loc[shown, "completion_rate"] = rates
        text = er.equity_summary(dataclasses.replace(result, tables={**result.tables, "completion": table}), data)
        return next(p for p in text.split("\n\n") if p.startswith("**From a place to completion.**"))

    k = int(shown.sum())
    two = said([0.8, 0.9] + [1.0] * (k - 2))
    assert "Among the groups shown, the only ones in which not everyone completed were: " in two
    assert two.endswith("; every other group shown completed in full.") and ", 100%," not in two
    one = said([0.9] + [1.0] * (k - 1))
    assert "the only one in which not everyone completed was: " in one and ", 100%," not in one
    assert said([1.0] * k).endswith("Every group shown completed in full.")
    many = said([0.7, 0.8, 0.85, 0.9] + [1.0] * (k - 4))
    assert "The lowest completion rates among the groups shown were: " in many and ", 100%," not in many
    assert ", 90%," not in many  # the three lowest only


def test_who_is_compared_says_whether_the_workforce_figures_used_are_illustrative(cohort2):
    # it pointed to "workforce.csv, whose source column says which figures are illustrative", a file
    # the report does not publish; it now says what that column says of the figures used
    import dataclasses

    _, data, result = cohort2
    text = er.equity_summary(result, data)
    who = next(p for p in text.split("\n\n") if p.startswith("**Who is compared.**"))
    assert "whose source column says" not in who
    assert "; every workforce figure used is marked illustrative in workforce.csv, not a published figure. " in who
    published = dataclasses.replace(data, workforce=data.workforce.assign(source="SSSC (published)"))
    who = next(p for p in er.equity_summary(result, published).split("\n\n") if p.startswith("**Who is compared.**"))
    assert "illustrative" not in who


def test_the_summary_names_the_questionnaires_not_waves(cohort2):
    # "people with scores at both waves": "wave" is the data's code word, not the reader's
    _, data, result = cohort2
    text = er.equity_summary(result, data)
    assert "wave" not in text
    assert "people with scores both before the programme and at the end of the programme; the mean change" in text
    # and the points are on a scale the reader is told of
    assert re.search(r"the mean change ranged from [+−]?[\d.]+ to [+−]?[\d.]+ points \(on a scale from 1 to 5\) "
                     "across those groups", text)
    assert "lack scores both before the programme and at the end of the programme." in text


def test_references_are_published_groups(cohort2):
    _, _, result = cohort2
    table = result.tables["equity"]
    for dim, ref in result.references.items():
        row = table[(table["dimension"] == dim) & (table["category"] == ref)].iloc[0]
        assert row["suppressed"] == "" and row["participants"] > 0 and row["relative_likelihood"] == 1.0
        assert (table.loc[table["dimension"] == dim, "reference_category"] == ref).all()


def _with(data, **update):
    return dataclasses.replace(data, cohort=data.cohort.model_copy(update=update))


def test_parameters_are_honoured(cohort2):
    _, data, _ = cohort2
    # a higher threshold: no published count from 1 to 9
    strict = er.equity_tables(_with(data, disclosure_threshold=10)).tables
    for name, column in [("equity", "participants"), ("completion", "participants"), ("outcome_change", "n_pairs")]:
        shown = _counts(strict[name], column)
        assert not ((shown >= 1) & (shown < 10)).any(), name
    # the reference and the band come from the cohort's parameters
    other = er.equity_tables(_with(data, equity=EquitySettings(reference={"sector": "voluntary"},
                                                                band=(0.5, 2.0))))
    sector = other.tables["equity"][other.tables["equity"]["dimension"] == "sector"].set_index("category")
    assert set(sector["reference_category"]) == {"voluntary"}
    assert sector.loc["voluntary", "relative_likelihood"] == 1.0
    with pytest.raises(ParameterError, match=r"`equity.reference.sector` is 'nhs'; it must be one of"):
        er.equity_tables(_with(data, equity=EquitySettings(reference={"sector": "nhs"})))


def test_findings_layout_and_no_suppressed_cell(cohort2):
    _, data, result = cohort2
    findings = [f.as_dict() for f in er.equity_findings(result, data)]
    ids = [f["id"] for f in findings]
    assert len(ids) == len(set(ids)) and all(i.startswith("equity.") for i in ids)
    assert all(set(f) == {"id", "statement", "value", "ci_low", "ci_high", "unit", "table"} for f in findings)
    assert "equity.sector.private.relative_likelihood" in ids
    assert "equity.local_authority.gini" in ids
    table = result.tables["equity"]
    for row in table[table["suppressed"] != ""].itertuples():
        assert f"equity.{row.dimension}.{row.category}.relative_likelihood" not in ids
    private = next(f for f in findings if f["id"] == "equity.sector.private.relative_likelihood")
    row = table[(table["dimension"] == "sector") & (table["category"] == "private")].iloc[0]
    assert (private["value"], private["ci_low"], private["ci_high"]) == (
        row["relative_likelihood"], row["rl_ci_low"], row["rl_ci_high"])
    assert "disparity" in private["statement"]
    assert private["statement"].startswith("By sector: private sector staff were 0.25 times as likely as local "
                                           "authority staff to have a place")
    # a group with no places, and the groups of people who did not declare, are named as groups
    statements = {f["id"]: f["statement"] for f in findings}
    assert statements["equity.gender.prefer_not_to_say.relative_likelihood"].startswith(
        "By gender: no one recorded as 'prefer not to say' had a place (relative likelihood 0 against female staff;")
    assert statements["equity.ethnicity.african.relative_likelihood"].startswith(
        "By ethnicity: no one in the group 'African' had a place (relative likelihood 0 against White Scottish staff")
    assert statements["equity.disability.not_declared.relative_likelihood"].startswith(
        "By disability: staff recorded as 'not declared' were 0.91 times as likely as not disabled staff")
    assert statements["equity.local_authority.angus.relative_likelihood"].startswith(
        "By council area: no one from Angus had a place")
    json.dumps(findings)  # serialisable


def test_summary_names_the_disparity_and_the_suppression(cohort2):
    _, data, result = cohort2
    text = er.equity_summary(result, data)
    under = next(p for p in text.split("\n\n") if p.startswith("**Under-represented"))
    assert "Under-represented, and the data are clear about it" in under
    # 0.25 against first-line and middle managers in 2004 (0.16 against the whole 2018 workforce before issue 11)
    assert "clear about it.** Private sector (sector: 0.25 times the chance of local authority" in under
    # zero counts are published (METHODS, disclosure control) and the table shows them (no one from
    # Angus had a place), so the page says which counts it withholds: 1 to 4, not "fewer than 5"
    assert "Groups of 1 to 4 people are not shown (—); a group with nobody in it is shown as 0" in text
    equity = result.tables["equity"]
    assert ((equity["participants"] == 0) & (equity["suppressed"] == "")).any()
    # the framing, the population compared, a clear goodness-of-fit result in plain words
    assert "Equality Act 2010" in text and "public sector equality duty" in text
    assert "sex (recorded as gender)" in text
    assert "eligible population, first-line and middle managers, not with the whole workforce" in text
    gof = result.tables["goodness_of_fit"].set_index("dimension")
    assert gof.loc["sector", "p_value"] < 0.001
    assert ("Staff of the different sectors did not get places in proportion to the eligible population "
            "(goodness of fit p < 0.001)") in text
    assert "Places outside the eligible population." in text
    # no count from 1 to 4 next to a group name
    assert "(n = 1" not in text and "(n = 4" not in text


def test_the_highest_council_rates_are_said_to_be_among_the_areas_shown(cohort2):
    # "the highest rates were in Glasgow City (46.88 per 1,000)": an area whose rate is withheld may
    # have a higher one, so the sentence says the rates are those of the areas shown.
    _, data, result = cohort2
    text = er.equity_summary(result, data)
    council = result.tables["council_areas"]
    shown = council.dropna(subset=["rate_per_1000"])
    assert council["rate_per_1000"].isna().any() and len(shown)  # withheld areas beside the shown ones
    top = shown[shown["rate_per_1000"] > 0].sort_values("rate_per_1000", ascending=False).head(3)
    said = re.search(r"of the areas whose rate is shown, the highest rates? (?:was|were) in (.*?)\.(?:\n|$)", text)
    assert said, text
    rates = [float(x) for x in re.findall(r"\(([\d.]+) per 1,000\)", said.group(1))]
    assert rates == [round(r, 2) for r in top["rate_per_1000"]]


def test_each_goodness_of_fit_test_not_computed_is_given_its_own_reason(cohort2):
    # cohort 1's summary said disability's test "would reveal a withheld group"; its table said it had
    # only one category to test
    import dataclasses

    _, data, result = cohort2
    gof = result.tables["goodness_of_fit"].copy()
    withheld = ("not computed: the number of places it would test is not published (groups left out of the "
                "test are withheld), and the test would reveal it")
    single = "not computed: it needs at least two categories to compare, and only 1 can be tested"
    for dim, why in (("gender", withheld), ("age_band", withheld), ("disability", single)):
        gof.loc[gof["dimension"] == dim, ["method", "p_value", "description"]] = ["none", np.nan, why]
    text = er.equity_summary(dataclasses.replace(result, tables={**result.tables, "goodness_of_fit": gof}), data)
    said = [p for p in text.split("\n\n") if p.startswith("The goodness-of-fit test is not computed")]
    assert len(said) == 2, said  # one sentence per reason, the dimensions with that reason named together
    assert said[0].startswith("The goodness-of-fit test is not computed for gender, age band") and said[0].endswith(
        ": the number of places it would test is not published (groups left out of the test are withheld), and the "
        "test would reveal it.")
    assert ("The goodness-of-fit test is not computed for disability: it needs at least two categories to compare, "
            "and only 1 can be tested.") in text
    assert "would reveal a withheld group" not in text


def test_deterministic(cohort2):
    _, data, result = cohort2
    again = er.equity_tables(data)
    for name, frame in result.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name])
    pd.testing.assert_frame_equal(result.log, again.log)


def test_disclosure_log_is_kept_with_the_data(cohort2):
    root, data, result = cohort2
    path = er.write_disclosure_log(result.log, root / "data", "leading-to-deliver", 2)
    assert path == root / "data" / "disclosure_logs" / "leading-to-deliver" / "cohort-2.csv"
    log = pd.read_csv(path, keep_default_na=False)
    assert list(log.columns) == LOG_COLUMNS
    table = result.tables["equity"]
    hidden = set(zip(table.loc[table["suppressed"] != "", "dimension"],
                     table.loc[table["suppressed"] != "", "category"], strict=True))
    logged = set(zip(log.loc[log["table"] == "equity", "dimension"], log.loc[log["table"] == "equity", "category"],
                     strict=True))
    assert hidden <= logged
    assert log["reason"].str.len().gt(0).all()


def test_notebook_is_committed_without_outputs_and_with_the_five_parameters():
    nb = nbformat.read(NOTEBOOKS_DIR / "equity_of_access.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    names = [t.id for node in ast.parse(params[0].source).body for t in node.targets]
    assert names == ["programme", "cohort", "data_dir", "params_dir", "output_dir"]
    assert any("nbval-check-output" in c.metadata.get("tags", []) for c in code)
    assert "!" not in "".join(c.source.lstrip()[:1] for c in code)  # no shell calls


@pytest.mark.slow
def test_evaluate_publishes_the_equity_report(synthetic_report):
    root, folder, _ = synthetic_report
    assert (folder / "equity_of_access.html").is_file() and (folder / "equity_of_access.ipynb").is_file()
    table = pd.read_csv(folder / "tables" / "equity.csv", keep_default_na=False, na_values=[""])
    assert list(table.columns[: len(CONTRACT)]) == CONTRACT
    assert (table["band"] == "disparity").any() and (table["suppressed"] != "").any()
    for path in (folder / "tables").glob("equity*.csv"):
        frame = pd.read_csv(path)
        for column in ("participants", "n_pairs"):
            if column in frame:
                shown = _counts(frame, column)
                assert not ((shown >= 1) & (shown < 5)).any(), path.name
    findings = json.loads((folder / "findings.json").read_text())
    assert "equity.sector.private.relative_likelihood" in {f["id"] for f in findings}
    html = (folder / "equity_of_access.html").read_text()
    assert "Summary for commissioners: equity of access" in html and "suppressed" in html
    assert not list(folder.rglob("*disclosure*"))  # the log is not published
    assert (root / "data" / "disclosure_logs" / "leading-to-deliver" / "cohort-2.csv").is_file()


# ----------------------------------------------------------------- the eligible population at ingest


def _ingest_demo(demo):
    from evaluation.data.ingest import ingest

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DemoKeyWarning)
        return ingest("demo", data_dir=demo["data"], params_dir=demo["params"])


def test_an_unknown_eligible_population_is_refused_naming_key_file_and_populations(demo, id_key):
    from evaluation.core.errors import DataValidationError

    text = demo["programme"].read_text()
    demo["programme"].write_text(text + "eligible_population: managers\n")
    with pytest.raises(DataValidationError) as info:
        _ingest_demo(demo)
    message = str(info.value)
    assert "programme.yaml" in message and "`eligible_population`" in message
    assert "the populations there: all_staff" in message and "'managers'" in message


def test_workforce_populations_and_inconsistent_totals(demo, id_key):
    from evaluation.core.errors import DataValidationError

    # a population column with a second population whose dimensions disagree (sector 100, council areas 90)
    rows = ["year,population,dimension,category,headcount,source",
            "2018,all_staff,sector,local_authority,1000,test", "2018,all_staff,sector,voluntary,800,test",
            "2018,all_staff,sector,private,1200,test", "2018,all_staff,local_authority,fife,2000,test",
            "2018,all_staff,local_authority,angus,1000,test",
            "2005,managers,sector,local_authority,60,test", "2005,managers,sector,private,40,test",
            "2005,managers,local_authority,fife,50,test", "2005,managers,local_authority,angus,40,test"]
    demo["workforce"].write_text("\n".join(rows) + "\n")
    with pytest.raises(DataValidationError) as info:
        _ingest_demo(demo)
    message = str(info.value)
    assert "workforce.csv, rows 9-10, column `headcount`" in message
    assert "population 'managers', year 2005 to add up to the same total (sector: 100; local_authority: 90)" in message
    # consistent totals, and the programme's population exists: ingest succeeds
    rows[-1] = "2005,managers,local_authority,angus,50,test"
    demo["workforce"].write_text("\n".join(rows) + "\n")
    demo["programme"].write_text(demo["programme"].read_text() + "eligible_population: managers\n")
    _ingest_demo(demo)


def test_the_chance_paragraph_names_the_dimensions_it_tested():
    # The pilot (29 places) has goodness-of-fit tests for council area and disability only: five
    # are not computed, to protect withheld groups. The summary said "For no dimension do the
    # places differ …", a claim about dimensions that were never tested.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_cohort_data("collaborative-leadership", 1)
        result = er.equity_tables(data)
    gof = result.tables["goodness_of_fit"]
    tested = gof.dropna(subset=["p_value"])
    assert 0 < len(tested) < len(gof) and (tested["p_value"] >= 0.05).all()
    text = er.equity_summary(result, data)
    chance = next(p for p in text.split("\n\n") if p.startswith("**Is the overall pattern more than chance?"))
    assert "For no dimension" not in chance
    from evaluation.reports.equity_report.tables import DIMENSION_TITLES

    named = " and ".join(DIMENSION_TITLES[d] for d in tested["dimension"])
    assert f"For {named}, the dimensions tested, the places do not differ" in chance
    # likewise "no group is clearly under-represented" spoke for 28 withheld groups, which have no estimate
    assert (result.tables["equity"]["suppressed"] != "").sum() > 0
    assert ("No group shown is clearly less likely to have had a place than its reference group: for every group "
            "with a relative likelihood") in text
    # ... but the reference group of a group clearly over-represented had the lower chance, said so: the pilot's
    # local authority staff had 38% of the places for 80% of the eligible staff
    over = result.tables["equity"][(result.tables["equity"]["band"] == "disparity")
                                   & (result.tables["equity"]["relative_likelihood"] > 1)]
    assert set(over["reference_category"]) == {"local_authority"}
    assert ("A reference group can itself have had the lower chance: local authority (by sector) had a clearly lower "
            "chance than the group shown clearly over-represented below.") in text
    # the declaration rates withheld are named in one sentence, not one sentence each
    decl = result.tables["declaration"]
    withheld = [DIMENSION_TITLES[d] for d in decl.loc[decl["declaration_rate"].isna(), "dimension"]]
    assert len(withheld) == 3
    assert (f"The declaration rates for {withheld[0]}, {withheld[1]} and {withheld[2]} are withheld, because each "
            "would reveal a small group.") in text
    assert text.count("would reveal a small group") == 1


def test_a_goodness_of_fit_test_with_one_category_is_noted_by_dimension_in_words():
    # Cohort 3's data notes said "goodness of fit needs at least two categories and one participant
    # (got 1 and 89)": no dimension, and the statistics layer's words. The note and the table's
    # description now name the dimension and say why, as the report's other notes do.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_cohort_data("leading-to-deliver", 3)
        result = er.equity_tables(data)
    gof = result.tables["goodness_of_fit"].set_index("dimension")
    assert gof.loc["disability", "method"] == "none" and gof.loc["disability", "categories"] == 1
    # its declared categories, disabled and not disabled, are both withheld and would be pooled into one:
    # the reason "the others are outside the eligible population, undeclared or without a workforce
    # figure" was not true of them
    table = result.tables["equity"]
    declared = table[(table["dimension"] == "disability") & table["category"].isin(["yes", "no"])]
    assert (declared["suppressed"] != "").all()
    why = ("it needs at least two categories to compare, and every category it would test is withheld, so they "
           "would be pooled into one")
    assert gof.loc["disability", "description"] == f"not computed: {why}"
    notes = result.tables["notes"]
    said = notes.loc[notes["source"] == "goodness_of_fit", "message"].tolist()
    assert said == [f"By disability: the goodness-of-fit test is not computed: {why}"]


def test_age_bands_and_role_levels_are_named_as_people(cohort2):
    """'45-54 staff' reads as a number of people and 'middle manager staff' is not English (cohort 4's
    index page: 'By age band: 55-64 staff were 0.44 times as likely as 45-54 staff')."""
    assert staff_words("45_54", "age_band") == "staff aged 45-54"
    assert staff_words("middle_manager", "role_level") == "middle managers"
    assert no_one_words("16_24", "age_band") == "no one aged 16-24"
    assert group_words("55_64", "age_band") == "staff aged 55-64"
    _, data, result = cohort2
    statements = [f.statement for f in er.equity_findings(result, data)]
    ages = [s for s in statements if s.startswith("By age band:")]
    roles = [s for s in statements if s.startswith("By role level:")]
    assert ages and roles
    assert all("than staff aged 45-54" in s or "against staff aged 45-54" in s or "as staff aged 45-54" in s
               for s in ages), ages
    assert not any(re.search(r"\d+(-\d+|\+) staff", s) or "manager staff" in s for s in statements)
    summary = er.equity_summary(result, data)
    assert not re.search(r"the chance of \d", summary)


def test_a_withheld_group_outside_the_eligible_population_is_not_called_small():
    # "middle manager (role level: number withheld, to protect a small group)": read as 1 to 4, and beside
    # the programme's crossings (which list every cell with people in it: middle managers in four
    # framework areas), the pilot's middle managers were exactly 4. A withheld group may be withheld to
    # protect another (the page says the mark does not tell which), so it is "number withheld".
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_cohort_data("collaborative-leadership", 1)
        result = er.equity_tables(data)
    equity = result.tables["equity"].set_index(["dimension", "category"])
    assert equity.loc[("role_level", "middle_manager"), "suppressed"] != ""
    outside = next(p for p in er.equity_summary(result, data).split("\n\n")
                   if p.startswith("**Places outside the eligible population.**"))
    assert "middle manager (role level: number withheld)" in outside
    assert "small" not in outside


@pytest.mark.parametrize(("cohort", "left"), [(1, "prefer not to say"), (5, "not declared")])
def test_a_replaced_reference_group_with_nothing_to_compare_says_so(cohort, left):
    # "By disability: the reference group 'not disabled' is withheld, so relative likelihoods are against
    # 'prefer not to say' (the largest published group) instead", when every other disability group was
    # withheld: no relative likelihood by disability was shown at all
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = er.equity_tables(load_cohort_data("leading-to-deliver", cohort))
    equity = result.tables["equity"]
    disability = equity[(equity["dimension"] == "disability") & (equity["eligible"] > 0)]
    shown = disability[disability["suppressed"] == ""]
    assert shown["category"].map(lambda c: c.replace("_", " ")).tolist() == [left]
    notes = result.tables["notes"]
    notes = notes[notes["message"].str.startswith("By disability: the reference group")]
    assert notes["message"].tolist() == [f"By disability: the reference group 'not disabled' and every other group "
                                         f"but '{left}' are withheld, so no relative likelihood can be shown"]
    assert notes["warning"].tolist() == ["ReferenceWithheld"]  # its note read "Reference group replaced"
    # and the group left is no reference for anything: no "1.00", no "reference group" mark
    assert disability["relative_likelihood"].isna().all() and (disability["reference_category"] == "").all()


def test_the_words_when_no_group_change_is_shown_name_the_csv_that_lists_the_withheld_groups():
    # CL cohort 1 read "No group's change can be shown: ..." without saying where the groups are listed
    assert "; `tables/equity_outcome_change.csv` lists the groups, all withheld." in er.NO_GROUP_CHANGE_TEXT
    data = load_cohort_data("collaborative-leadership", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        change = er.equity_tables(data).tables["outcome_change"]
    assert len(change) and (change["suppressed"] != "").all()  # the case the words are shown in: all withheld
    source = (NOTEBOOKS_DIR / "equity_of_access.py").read_text(encoding="utf-8")
    assert 'if len(change) and not (change["suppressed"] == "").any():\n    display(Markdown(equity_report.NO_GROUP' \
        in source
