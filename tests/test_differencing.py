"""Issue 10, item 2: disclosure control that holds against differencing across a cohort's tables.

* the reader's arithmetic (`count_intervals`, `derivable`) against brute force;
* the audit (`evaluation.publish.disclosure_audit`) catches each way of working back a small
  count or statistic that the issue found in published reports;
* the joint plan (`evaluation.reports.disclosure_plan`) leaves the audit nothing to find, in the
  tables of every shipped cohort;
* `evaluate` refuses to publish tables the audit objects to, and keeps the previous report.
"""

from __future__ import annotations

import io
import itertools
import json
import math

import nbformat
import numpy as np
import pandas as pd
import pytest

from evaluation.core.paths import NOTEBOOKS_DIR
from evaluation.data.cohort import load_cohort_data
from evaluation.publish.disclosure_audit import DisclosureAuditError, audit_tables
from evaluation.publish.pipeline import evaluate
from evaluation.reports import equity_report, outcome_report
from evaluation.stats.disclosure.attack import count_intervals, derivable
from tests.conftest import shipped_cohorts, write_demo

T = 5


# ------------------------------------------------------------------ the reader's arithmetic


def _brute_force(known, lines, lower, upper, cap=12):
    """Every whole-number completion of the unknown cells (each at most ``cap``) that satisfies the lines."""
    unknown = [i for i, k in enumerate(known) if k is None]
    ranges = [range(int(lower[i]), int(min(upper[i], cap)) + 1) for i in unknown]
    solutions = []
    for combo in itertools.product(*ranges):
        v = list(known)
        for i, x in zip(unknown, combo, strict=True):
            v[i] = x
        if all(v[t] == sum(v[p] for p in parts) for t, parts in lines):
            solutions.append([v[i] for i in unknown])
    return unknown, np.array(solutions)


@pytest.mark.parametrize(("seed", "largest", "hidden"),
                         [(s, 8, 4) for s in range(30)] + [(1000 + s, 3, 5) for s in range(30)])
def test_count_intervals_agree_with_brute_force(seed, largest, hidden):
    # Reference: enumerate every whole-number table consistent with what is published (a family
    # of four groups and its total, plus a complement split of two groups, as the reports have).
    # Four hidden cells of groups up to 7; or five (so that the search for cells at their bounds,
    # attack._bounds_reached, runs on more of them) of groups up to 2, with lower bounds of 0 or 1.
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, largest, size=4)
    done = np.minimum(groups, rng.integers(0, largest, size=4))
    values = [int(groups.sum()), *groups, *done, *(groups - done)]
    lines = [(0, [1, 2, 3, 4])] + [(1 + g, [5 + g, 9 + g]) for g in range(4)]
    hide = np.zeros(len(values), dtype=bool)  # small enough to enumerate
    hide[rng.choice(np.arange(1, len(values)), size=hidden, replace=False)] = True
    known = [None if h else float(v) for v, h in zip(values, hide, strict=True)]
    primary = [h and 1 <= v < T and rng.random() < 0.5 for v, h in zip(values, hide, strict=True)]
    lower = [1.0 if p else 0.0 for p in primary]
    if hidden > 4:
        lower = [x if p else float(min(1, v) if rng.random() < 0.5 else 0)
                 for x, p, v in zip(lower, primary, values, strict=True)]
    upper = [float(T - 1) if p else math.inf for p in primary]
    low, high = count_intervals(known, lines, lower, upper)
    # the total (cell 0) is never hidden, so no cell exceeds it (groups up to 7: the largest group, as before)
    cap = int(groups.max()) if largest > 3 else int(groups.sum())
    unknown, solutions = _brute_force(known, lines, lower, upper, cap=cap)
    assert len(solutions) > 0
    for j, i in enumerate(unknown):
        assert (low[i], high[i]) == (solutions[:, j].min(), solutions[:, j].max())


@pytest.mark.parametrize("seed", range(40))
def test_count_intervals_are_those_of_one_programme_per_cell(seed, monkeypatch):
    # Reference: the same function with the search for cells at their bounds switched off (two
    # linear programmes per unknown cell), on two-way tables of up to 6 × 6 with hidden cells and
    # margins, some of them with published cells that contradict the lines (no table is possible).
    import evaluation.stats.disclosure.attack as attack

    known, lines, lower, upper = _two_way(2000 + seed, contradict=seed % 5 == 0)
    low, high = count_intervals(known, lines, lower, upper)
    monkeypatch.setattr(attack, "_PREFILTER_CELLS", 10**9)
    ref_low, ref_high = count_intervals(known, lines, lower, upper)
    np.testing.assert_allclose(low, ref_low, rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(high, ref_high, rtol=0, atol=1e-9, equal_nan=True)


def _two_way(seed: int, *, contradict: bool):
    """A two-way table of up to 6 × 6 with margins and total, about half of its cells hidden,
    small hidden cells mostly labelled primary (1 to T − 1); with ``contradict``, one published
    cell 50 more than it is."""
    rng = np.random.default_rng(seed)
    r, c = rng.integers(2, 7, size=2)
    grid = rng.integers(0, 9, size=(r, c))
    values = [*grid.ravel(), *grid.sum(axis=1), *grid.sum(axis=0), int(grid.sum())]
    lines = [(r * c + i, [i * c + j for j in range(c)]) for i in range(r)]
    lines += [(r * c + r + j, [i * c + j for i in range(r)]) for j in range(c)]
    lines += [(len(values) - 1, [r * c + i for i in range(r)])]
    hide = rng.random(len(values)) < 0.5
    known = [None if h else float(v) for v, h in zip(values, hide, strict=True)]
    if contradict:
        shown = [i for i, k in enumerate(known) if k is not None]
        known[shown[0]] = known[shown[0]] + 50.0
    primary = [h and 1 <= v < T and rng.random() < 0.7 for v, h in zip(values, hide, strict=True)]
    lower = [1.0 if p else 0.0 for p in primary]
    upper = [float(T - 1) if p else math.inf for p in primary]
    return known, lines, lower, upper


@pytest.mark.parametrize("seed", range(60))
def test_worked_out_values_are_those_of_the_count_intervals(seed):
    # Reference: count_intervals (itself tested against brute force and one programme per cell).
    # A cell is worked out when its interval is narrower than 0.5, and its value is the interval's
    # lower end; no value at all when an interval is nan (the published cells contradict the lines).
    from evaluation.stats.disclosure.worked_out import worked_out

    known, lines, lower, upper = _two_way(3000 + seed, contradict=seed % 6 == 0)
    low, high = count_intervals(known, lines, lower, upper)
    cells = list(range(len(known)))
    found = worked_out(known, lines, lower, upper, cells, seed=seed)
    if np.isnan(low).any():
        assert found is None
        return
    expected = np.where(np.isfinite(high) & (high - low < 0.5), low, np.nan)
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-9, equal_nan=True)
    # asked about some cells only, in another order: the same values
    some = cells[::-3]
    np.testing.assert_allclose(worked_out(known, lines, lower, upper, some), expected[some], atol=1e-9,
                               equal_nan=True)


def test_worked_out_refuses_to_answer_when_a_programme_is_not_solved(monkeypatch):
    """A solver that stops (iteration limit) must not make a cell look safe."""
    import evaluation.stats.disclosure.worked_out as module

    solve = module.linprog
    calls = {"n": 0}

    def stopping(*args, **kwargs):
        calls["n"] += 1
        result = solve(*args, **kwargs)
        if calls["n"] > 7:  # after the first table and the six vertices: each cell's own programmes
            result.status, result.message = 1, "Iteration limit reached."
        return result

    monkeypatch.setattr(module, "linprog", stopping)
    # 10 = 8 + x2 + x3 with x2, x3 >= 1: both are 1, by the bounds (the lines alone leave them free),
    # so only their own programmes can tell
    with pytest.raises(RuntimeError, match=r"cell 3 was not solved \(HiGHS status 1: Iteration limit"):
        module.worked_out([10, 8, None, None], [(0, [1, 2, 3])], [0, 0, 1, 1], [9, 9, 5, 5], [3])


def test_a_cell_the_lines_fix_needs_no_programme_of_its_own(monkeypatch):
    """10 = 4 + 5 + x3 fixes x3 = 1 whatever the bounds (the null space of the lines is empty
    there): its value comes from the first feasible table, without its own two programmes."""
    import evaluation.stats.disclosure.worked_out as module

    solve, calls = module.linprog, {"n": 0}

    def counted(*args, **kwargs):
        calls["n"] += 1
        return solve(*args, **kwargs)

    monkeypatch.setattr(module, "linprog", counted)
    assert module.worked_out([10, 4, 5, None], [(0, [1, 2, 3])], [0, 0, 1, 1], [9, 9, 5, 5], [3]).tolist() == [1.0]
    assert calls["n"] == 7  # the first table and the six vertices only
    calls["n"] = 0
    assert module.worked_out([10, 8, None, None], [(0, [1, 2, 3])], [0, 0, 1, 1], [9, 9, 5, 5], [3]).tolist() == [1.0]
    assert calls["n"] == 9  # and the bounds-pinned cell's minimum and maximum


def test_the_worked_out_cases_hold_both_answers_and_contradictions():
    """The cases above are not all of one kind: hidden cells worked out and not, and contradictions."""
    kinds = set()
    for seed in range(60):
        known, lines, lower, upper = _two_way(3000 + seed, contradict=seed % 6 == 0)
        low, high = count_intervals(known, lines, lower, upper)
        hidden = np.array([k is None for k in known])
        if np.isnan(low).any():
            kinds.add("contradiction")
            continue
        narrow = high - low < 0.5
        kinds.update({"worked out"} if (narrow & hidden).any() else set())
        kinds.update({"not worked out"} if (~narrow & hidden).any() else set())
    assert kinds == {"worked out", "not worked out", "contradiction"}


@pytest.mark.parametrize("seed", range(20))
def test_derivable_sums_agree_with_a_rank_test(seed):
    # Reference: cell j follows exactly iff adding the row e_j leaves the rank of the system of
    # lines over the unknown cells unchanged (numpy matrix_rank), an independent criterion.
    rng = np.random.default_rng(100 + seed)
    values = rng.normal(size=11)
    lines = [(0, [1, 2, 3]), (4, [5, 6]), (0, [4, 7]), (8, [1, 5, 9, 10])]
    hide = rng.random(11) < 0.5
    known = [None if h else v for v, h in zip(values, hide, strict=True)]
    got = derivable(known, lines)
    unknown = [i for i in range(11) if hide[i]]
    a = np.array([[(-1.0 if c == t else 0.0) + (1.0 if c in parts else 0.0) for c in unknown] for t, parts in lines])
    for j, i in enumerate(unknown):
        e = np.zeros((1, len(unknown)))
        e[0, j] = 1
        expected = np.linalg.matrix_rank(np.vstack([a, e])) == np.linalg.matrix_rank(a) if a.size else False
        assert got[i] == expected
    assert not got[~hide].any()


# --------------------------------------------------------------- the audit finds each leak


def _flow(enrolled=20, completed=17):
    return pd.DataFrame({"section": ["flow", "flow"], "stage": ["enrolled", "completed_programme"],
                         "n": [enrolled, completed]})


def test_the_audit_finds_a_group_mean_recovered_from_the_whole_cohort_row():
    # The leak: outcomes.csv gives 16 pairs and their means; the groups of the equity
    # outcome table are a (13 pairs, published) and b (suppressed, the only hidden group), so
    # b's count (3) and the sums of its scores follow by subtraction.
    outcomes = pd.DataFrame({"scale": ["s"], "comparison": ["pre_post"], "rater": ["self"], "n_pairs": [16],
                             "mean_pre": [3.0], "mean_post": [3.5], "mean_change": [0.5]})
    change = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "scale": "s", "comparison": "pre_post",
                           "n_pairs": [13, None], "mean_pre": [3.1, None], "mean_post": [3.5, None],
                           "mean_change": [0.4, None], "suppressed": ["", "primary"]})
    problems = audit_tables({"outcomes": outcomes, "equity_outcome_change": change}, threshold=T).problems
    assert any("sector = 'b' with self scores" in p and "can be worked out" in p for p in problems)
    assert any("sum of change scores" in p and "sector = 'b'" in p for p in problems)
    assert any("sum of pre scores" in p for p in problems)


def test_the_audit_finds_means_recovered_even_when_the_count_is_protected():
    # Two hidden groups keep each other's count unknown, but the breakdown shows one group's mean
    # change: the other's sum follows from the whole-cohort row.
    outcomes = pd.DataFrame({"scale": ["s"], "comparison": ["pre_post"], "rater": ["self"], "n_pairs": [20],
                             "mean_change": [0.5]})
    breakdowns = pd.DataFrame({"dimension": "sector", "category": ["a", "b", "c"], "scale": "s",
                               "comparison": "pre_post", "n_pairs": [14, None, None],
                               "mean_change": [0.4, None, None], "suppressed": ["", "primary", "secondary"]})
    equity_change = pd.DataFrame({"dimension": "sector", "category": ["c"], "scale": "s", "comparison": "pre_post",
                                  "n_pairs": [None], "mean_change": [0.9], "suppressed": [""]})
    problems = audit_tables({"outcomes": outcomes, "breakdowns": breakdowns,
                             "equity_outcome_change": equity_change}, threshold=T).problems
    assert problems == ()  # c's mean without its count gives no sum: nothing follows
    equity_change["n_pairs"] = [4.0]
    problems = audit_tables({"outcomes": outcomes, "breakdowns": breakdowns,
                             "equity_outcome_change": equity_change}, threshold=T).problems
    assert any("sector = 'c'" in p and "published" in p for p in problems)
    assert any("sum of change scores" in p and "sector = 'b'" in p for p in problems)


def test_the_audit_finds_non_completers_from_rate_times_size():
    # 12 participants, completion rate 0.75: 3 did not complete (the 13 cells in cohort 2).
    equity = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "participants": [12, 8],
                           "suppressed": ["", ""]})
    completion = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "participants": [12, 8],
                               "completion_rate": [0.75, 1.0], "suppressed": ["", ""]})
    problems = audit_tables({"attrition": _flow(20, 17), "equity": equity, "equity_completion": completion},
                            threshold=T).problems
    assert problems == ("the number with sector = 'a' who did not complete the programme can be worked out "
                        "(tables: equity, equity_completion)",)


def test_the_audit_finds_a_count_hidden_in_one_table_and_shown_in_another():
    equity = pd.DataFrame({"dimension": "sector", "category": ["a", "b", "c"], "participants": [12, None, None],
                           "suppressed": ["", "primary", "secondary"]})
    completion = pd.DataFrame({"dimension": "sector", "category": ["a", "b", "c"],
                               "participants": [12, None, 6], "completion_rate": [1.0, None, 1.0],
                               "suppressed": ["", "primary", ""]})
    problems = audit_tables({"attrition": _flow(20, 20), "equity": equity, "equity_completion": completion},
                            threshold=T).problems
    assert "the number of participants with sector = 'b' can be worked out (tables: attrition, equity, " \
           "equity_completion)" in problems


def test_the_audit_finds_drop_outs_baseline_means_for_fewer_than_threshold_people():
    attrition = pd.concat([_flow(), pd.DataFrame({
        "section": ["baseline_comparison"], "scale": ["s"], "rater": ["self"], "n_with_later": [17],
        "mean_with_later": [3.4], "n_without_later": [3], "mean_without_later": [2.9]})], ignore_index=True)
    problems = audit_tables({"attrition": attrition}, threshold=T).problems
    assert problems == ("attrition: the baseline mean of s (self) is published for 3 people without a later score "
                        "(fewer than 5)",)
    attrition.loc[2, "mean_without_later"] = np.nan
    assert audit_tables({"attrition": attrition}, threshold=T).ok


def test_the_audit_uses_primary_labels_and_published_zeros():
    # 7 = a (5) + b + c: b and c hidden, both labelled primary (1 to 4), so b = c = 1.
    equity = pd.DataFrame({"dimension": "sector", "category": ["a", "b", "c", "d"], "participants": [5, None, None, 0],
                           "suppressed": ["", "primary", "primary", ""]})
    problems = audit_tables({"attrition": _flow(7, 7), "equity": equity}, threshold=T).problems
    assert len(problems) == 2 and all("can be worked out" in p for p in problems)
    equity["suppressed"] = ["", "primary", "secondary", ""]  # c ≥ 0: b is 1 or 2
    problems = audit_tables({"attrition": _flow(7, 7), "equity": equity}, threshold=T).problems
    assert problems and not [p for p in problems if "can be worked out" in p]  # only b + c = 2 (the test below)


def test_the_audit_finds_withheld_groups_that_add_up_to_a_small_group():
    # 20 = a (17) + b + c: b and c are each hidden, but together they are 3 people (sector b or c)
    equity = pd.DataFrame({"dimension": "sector", "category": ["a", "b", "c"], "participants": [17, None, None],
                           "suppressed": ["", "primary", "secondary"]})
    problems = audit_tables({"attrition": _flow(20, 20), "equity": equity}, threshold=T).problems
    assert len(problems) == 1 and problems[0].endswith("have 3 between them, from 1 to 4 (tables: attrition, equity)")
    assert "sector = 'b'" in problems[0] and "sector = 'c'" in problems[0]
    equity["participants"] = [15, None, None]  # 5 between them: not a small group
    assert audit_tables({"attrition": _flow(20, 20), "equity": equity}, threshold=T).ok
    # those who did not declare are a whole-cohort figure, published as the declaration rate
    equity["category"] = ["a", "not_declared", "prefer_not_to_say"]
    equity["participants"] = [17, None, None]
    assert audit_tables({"attrition": _flow(20, 20), "equity": equity}, threshold=T).ok
    # and all of a whole cohort's people are no small group, however few
    equity["category"] = ["a", "b", "c"]
    equity["participants"] = [0, None, None]
    assert audit_tables({"attrition": _flow(3, 3), "equity": equity}, threshold=T).ok


def test_the_audit_says_when_the_tables_contradict_each_other():
    equity = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "participants": [12, 9],
                           "suppressed": ["", ""]})
    problems = audit_tables({"attrition": _flow(20, 20), "equity": equity}, threshold=T).problems
    assert problems == ("sector: the published counts contradict each other, so the audit cannot vouch for them",)


# ----------------------------------------------------- the reports give it nothing to find


def _as_published(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as a reader gets it: written to CSV and read back."""
    return pd.read_csv(io.StringIO(frame.to_csv(index=False)), keep_default_na=False, na_values=[""])


def published_tables(programme: str, cohort: int) -> tuple[dict[str, pd.DataFrame], int]:
    data = load_cohort_data(programme, cohort)
    outcome = outcome_report.outcome_tables(data)
    equity = equity_report.equity_tables(data).tables
    tables = {name: outcome[name] for name in ("outcomes", "breakdowns", "attrition")}
    tables.update({"equity": equity["equity"], "equity_completion": equity["completion"],
                   "equity_outcome_change": equity["outcome_change"],
                   "equity_council_areas": equity["council_areas"], "equity_declaration": equity["declaration"]})
    return {k: _as_published(v) for k, v in tables.items()}, data.cohort.disclosure_threshold


@pytest.mark.parametrize("programme, cohort", shipped_cohorts())
def test_no_small_count_or_statistic_can_be_worked_out_from_a_cohorts_tables(programme, cohort):
    tables, threshold = published_tables(programme, cohort)
    audit = audit_tables(tables, threshold=threshold)
    assert audit.problems == ()
    assert audit.cells > 500  # the audit read the tables (every dimension, population and complement)
    # and the same tables with one suppressed group of the equity table restored are caught
    equity = tables["equity"]
    hidden = equity.index[equity["suppressed"] == "primary"]
    assert len(hidden)
    data = load_cohort_data(programme, cohort)
    row = equity.loc[hidden[0]]
    true = int((data.participants[row["dimension"]].astype("object").fillna("not_recorded").astype(str)
                == row["category"]).sum())
    leaked = dict(tables, equity=equity.assign(participants=equity["participants"].where(
        equity.index != hidden[0], true)))
    assert not audit_tables(leaked, threshold=threshold).ok


# ------------------------------------------------------ evaluate refuses to publish a leak


@pytest.mark.slow
def test_evaluate_refuses_to_publish_tables_the_audit_objects_to(tmp_path, id_key):
    paths = write_demo(tmp_path)
    reports = tmp_path / "reports"
    good = evaluate("demo", 1, data_dir=paths["data"], params_dir=paths["params"], reports_dir=reports)
    before = {p.relative_to(good).as_posix(): p.read_bytes() for p in good.rglob("*") if p.is_file()}
    leaky = tmp_path / "notebooks"
    leaky.mkdir()
    nb = nbformat.read(NOTEBOOKS_DIR / "cohort_evaluation.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import pandas as pd\n"
        "pd.DataFrame({'dimension': ['team', 'team'], 'category': ['x', 'y'], 'participants': [2, 1],\n"
        "              'completion_rate': [0.5, 1.0], 'suppressed': ['', '']}).to_csv('tables/equity_completion.csv',\n"
        "                                                                         index=False)"))
    nbformat.write(nb, leaky / "cohort_evaluation.ipynb")
    with pytest.raises(DisclosureAuditError, match=r"(?s)nothing was published.*team = 'x'.*published and is from "
                                                   r"1 to 4"):
        evaluate("demo", 1, data_dir=paths["data"], params_dir=paths["params"], reports_dir=reports,
                 notebooks_dir=leaky)
    after = {p.relative_to(good).as_posix(): p.read_bytes() for p in good.rglob("*") if p.is_file()}
    assert after == before


def test_a_group_that_is_the_whole_cohort_is_not_a_small_group():
    # Everyone's age band is not recorded: the group's figures are the cohort's, published anyway.
    equity = pd.DataFrame({"dimension": "age_band", "category": ["not_recorded"], "participants": [None],
                           "suppressed": ["primary"]})
    completion = pd.DataFrame({"dimension": "age_band", "category": ["not_recorded"], "participants": [None],
                               "completion_rate": [None], "suppressed": ["primary"]})
    assert audit_tables({"attrition": _flow(3, 2), "equity": equity, "equity_completion": completion},
                        threshold=T).ok


@pytest.mark.slow
def test_a_cohort_too_small_for_a_dimension_has_it_withheld_whole(tmp_path, id_key):
    # Three people in three sectors: each is 1 whatever is suppressed (the total is published and
    # every group is labelled primary), so the plan withholds the dimension, zeros included.
    from evaluation.data.ingest import ingest
    from evaluation.reports.disclosure_plan import WITHHELD, disclosure_plan

    paths = write_demo(tmp_path)
    ingest("demo", data_dir=paths["data"], params_dir=paths["params"])
    data = load_cohort_data("demo", 1, data_dir=paths["data"], params_dir=paths["params"])
    with pytest.warns(UserWarning, match="every group of it is withheld"):
        plan = disclosure_plan(data)
    assert "sector" in plan.withheld
    sector = plan.cells[(plan.cells["dimension"] == "sector") & (plan.cells["category"] != "*")]
    assert (sector["flag"] == WITHHELD).all()
    equity = equity_report.equity_tables(data).tables["equity"]
    rows = equity[equity["dimension"] == "sector"]
    assert (rows["suppressed"] == WITHHELD).all() and rows["participants"].isna().all()


def test_a_finding_must_cite_a_cell_of_its_table(tmp_path):
    # Summaries are written from findings and tables; a finding number that is in no table would
    # reach the report without passing the audit.
    from evaluation.publish.disclosure_audit import audit_folder

    (tmp_path / "tables").mkdir()
    _flow(20, 20).to_csv(tmp_path / "tables" / "attrition.csv", index=False)
    findings = [{"id": "attrition.enrolled", "table": "attrition", "value": 20.0}]
    (tmp_path / "findings.json").write_text(json.dumps(findings))
    assert audit_folder(tmp_path, threshold=T).ok
    findings.append({"id": "equity.sector.b", "table": "equity", "value": 3.0})
    findings.append({"id": "attrition.dropped", "table": "attrition", "value": 2.0, "ci_low": 20.0})
    (tmp_path / "findings.json").write_text(json.dumps(findings))
    assert audit_folder(tmp_path, threshold=T).problems == (
        "finding equity.sector.b: cites no published table ('equity'), so its numbers are not covered by the audit",
        "finding attrition.dropped: its value 2.0 is not a cell of tables/attrition.csv",
    )


def test_the_audit_reads_a_group_left_out_of_the_tables_by_group_as_empty():
    # The completion and outcome-change tables list every group with people in it, so a reader takes
    # a group they leave out as empty: 13 = a (10) + b + c with c left out gives b = 3, which the audit
    # missed when it read b and c as any counts.
    equity = pd.DataFrame({"dimension": "sector", "category": ["a", "b", "c"], "participants": [10, None, None],
                           "suppressed": ["", "withheld", "withheld"]})
    completion = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "participants": [10, None],
                               "completion_rate": [1.0, None], "suppressed": ["", "withheld"]})
    tables = {"attrition": _flow(13, 13), "equity": equity}
    alone = audit_tables(tables, threshold=T).problems  # b + c = 3: neither is known, the two together are
    assert len(alone) == 1 and "have 3 between them" in alone[0] and "can be worked out" not in alone[0]
    problems = audit_tables({**tables, "equity_completion": completion}, threshold=T).problems
    assert "the number of participants with sector = 'b' can be worked out (tables: attrition, equity, " \
           "equity_completion)" in problems
    outcomes = pd.DataFrame({"scale": ["s"], "comparison": ["pre_post"], "rater": ["self"], "n_pairs": [13],
                             "mean_pre": [3.0], "mean_post": [3.5]})
    change = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "scale": "s", "comparison": "pre_post",
                           "n_pairs": [10, None], "mean_change": [0.5, None], "suppressed": ["", "withheld"]})
    problems = audit_tables({**tables, "outcomes": outcomes, "equity_outcome_change": change}, threshold=T).problems
    assert any("sector = 'b' with self scores for both waves" in p and "can be worked out" in p for p in problems)
