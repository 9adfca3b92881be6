"""Issue 12: the implied-count disclosure test covers the programme report.

A reader holding the programme report (groups pooled over cohorts) and the cohort reports (the
same groups, cohort by cohort, each with its own suppression) must not be able to work out a
count of 1 to threshold − 1 people by subtraction. The audit
(`evaluation.publish.programme_audit`) is checked on hand-made tables with and without a leak,
on disk as the pipeline calls it, and against brute force over random small tables.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from evaluation.publish.programme_audit import audit_programme_folder, audit_programme_tables
from evaluation.stats.disclosure.exact import exact_counts

T = 5


def _equity(dimension, counts, flags=None):
    """An equity-shaped table: ``counts`` by category, None for a withheld row."""
    flags = flags or {c: ("" if n is not None else "secondary") for c, n in counts.items()}
    return pd.DataFrame({"dimension": dimension, "category": list(counts), "participants": list(counts.values()),
                         "suppressed": [flags[c] for c in counts]})


def _flow(enrolled):
    return pd.DataFrame({"section": ["flow"], "stage": ["enrolled"], "n": [enrolled]})


def _cohort(counts, flags=None, enrolled=None):
    return {"equity": _equity("sector", counts, flags),
            "attrition": _flow(enrolled if enrolled is not None else sum(n or 0 for n in counts.values()))}


# ---------------------------------------------------------------- hand-made leaks and their absence


def test_a_withheld_remainder_is_caught_and_named():
    # Health: 9 pooled; cohort 1 published 6, cohort 3 published 0, cohort 2 withheld its own:
    # a reader holding the three reports works out cohort 2's 3.
    cohorts = {"1": _cohort({"council": 20, "health": 6}),
               "2": _cohort({"council": None, "health": None}, {"council": "secondary", "health": "primary"}, 23),
               "3": _cohort({"council": 12, "health": 0})}
    pooled = _equity("sector", {"council": 52, "health": 9})
    audit = audit_programme_tables({"equity_pooled": pooled}, cohorts, threshold=T)
    assert audit.problems == (
        "programme/equity_pooled, row sector = 'health': the programme publishes 9 participants and cohorts 1, 3 publish 6, "
        "so cohort 2 has 3 (from 1 to 4)",)


def test_the_same_tables_without_the_leak_pass():
    # Cohort 2 has 6 in health (not small): the remainder is not a small count; and with two
    # cohorts withholding, their 6 + 4 = 10 between them is not small either (while 3 is).
    cohorts = {"1": _cohort({"council": 20, "health": 6}),
               "2": _cohort({"council": None, "health": None}, None, 26),
               "3": _cohort({"council": 12, "health": 0})}
    pooled = _equity("sector", {"council": 52, "health": 12})
    assert audit_programme_tables({"equity_pooled": pooled}, cohorts, threshold=T).ok
    cohorts["3"] = _cohort({"council": None, "health": None}, {"council": "secondary", "health": "primary"}, 16)
    pooled = _equity("sector", {"council": 52, "health": 16})
    assert audit_programme_tables({"equity_pooled": pooled}, cohorts, threshold=T).ok
    pooled = _equity("sector", {"council": 55, "health": 9})  # 3 between cohorts 2 and 3
    cohorts["3"] = _cohort({"council": None, "health": None}, None, 12)
    problems = audit_programme_tables({"equity_pooled": pooled}, cohorts, threshold=T).problems
    assert problems[0].endswith("so cohorts 2, 3 have 3 between them (from 1 to 4)")


def test_a_count_that_follows_only_through_a_chain_is_caught():
    # Pooled council (45) less cohort 1's 30 gives cohort 2's council (15): not small, but cohort
    # 2's total (18) then gives its health (3), which the remainder rule alone does not see.
    cohorts = {"1": _cohort({"council": 30, "health": None, "other": None}, None, 40),
               "2": _cohort({"council": None, "health": None, "other": 0},
                            {"council": "secondary", "health": "primary", "other": ""}, 18)}
    pooled = _equity("sector", {"council": 45, "health": None, "other": None},
                     {"council": "", "health": "secondary", "other": "secondary"})
    problems = audit_programme_tables({"equity_pooled": pooled}, cohorts, threshold=T).problems
    assert problems == ("cohort 2: the number of participants with sector = 'health' can be worked out: 3, from 1 "
                        "to 4 (tables: cohort-1/attrition, cohort-1/equity, cohort-2/attrition, cohort-2/equity, "
                        "programme/equity_pooled)",)


def test_pooled_categories_are_audited_against_the_programme_total_from_the_trend_tables():
    # No cohort report on disk: the programme total (Σ enrolled over cohorts in cost_trends) less
    # the published category gives the suppressed one.
    trends = pd.DataFrame({"level": ["cohort", "cohort", "programme"], "cohort": [1, 2, None],
                           "enrolled": [20, 13, 33]})
    pooled = _equity("sector", {"council": 30, "health": None}, {"council": "", "health": "primary"})
    problems = audit_programme_tables({"equity_pooled": pooled, "cost_trends": trends}, {}, threshold=T).problems
    assert problems == ("the programme: the number of participants with sector = 'health' can be worked out: 3, "
                        "from 1 to 4 (tables: programme/cost_trends, programme/equity_pooled)",)
    pooled = _equity("sector", {"council": 27, "health": None, "other": None},
                     {"council": "", "health": "primary", "other": "secondary"})
    assert audit_programme_tables({"equity_pooled": pooled, "cost_trends": trends}, {}, threshold=T).ok


def _where(rows, rater="self"):
    return pd.DataFrame([{"dimension": d, "category": c, "scale": "leading_change", "comparison": "pre_post",
                          "rater": rater, "n_pairs": n, "n_cohorts": 2, "suppressed": "" if n is not None else f}
                         for d, c, n, f in rows])


def test_a_crossing_is_audited_against_its_one_way_margins():
    # framework_area 'x' has 12 pooled pairs; its crossing with role level publishes 10 for
    # first-line managers, so the 2 senior managers follow.
    rows = [("framework_area", "x", 12, ""), ("framework_area", "y", 20, ""),
            ("role_level", "first_line", 25, ""), ("role_level", "senior", 7, ""),
            ("framework_area×role_level", "x×first_line", 10, ""), ("framework_area×role_level", "x×senior", None, "primary"),
            ("framework_area×role_level", "y×first_line", None, "secondary"),
            ("framework_area×role_level", "y×senior", None, "secondary")]
    problems = audit_programme_tables({"where_it_works": _where(rows)}, {}, threshold=T).problems
    assert len(problems) == 1  # y × senior (5 = 7 − 2) and y × first-line (15) follow too, but are not small
    assert problems[0].startswith("the programme: the number with framework_area = 'x' and role_level = 'senior' "
                                  "with self scores for both waves of pre_post on leading_change can be worked out: 2")
    rows[4] = ("framework_area×role_level", "x×first_line", None, "secondary")
    assert audit_programme_tables({"where_it_works": _where(rows)}, {}, threshold=T).ok


def test_withheld_crossings_that_add_up_to_a_small_group_are_caught():
    # Leading to Deliver's operational framework area had 170 pooled pairs and its crossings with
    # role level published 102 + 5 + 59: operational × other and × senior manager, both withheld,
    # held 4 pairs between them (people of one framework area in either role: a group of 4).
    rows = [("framework_area", "x", 170, ""), ("framework_area", "y", 80, ""),
            ("role_level", "first", 130, ""), ("role_level", "front", 25, ""), ("role_level", "middle", 80, ""),
            ("role_level", "other", None, "secondary"), ("role_level", "senior", None, "primary"),
            ("framework_area×role_level", "x×first", 102, ""), ("framework_area×role_level", "x×front", 5, ""),
            ("framework_area×role_level", "x×middle", 59, ""),
            ("framework_area×role_level", "x×other", None, "secondary"),
            ("framework_area×role_level", "x×senior", None, "primary"),
            ("framework_area×role_level", "y×first", 28, ""), ("framework_area×role_level", "y×front", 20, ""),
            ("framework_area×role_level", "y×middle", None, "secondary"),
            ("framework_area×role_level", "y×other", None, "secondary"),
            ("framework_area×role_level", "y×senior", None, "primary")]
    problems = audit_programme_tables({"where_it_works": _where(rows)}, {}, threshold=T).problems
    assert len(problems) == 1 and "framework_area = 'x' with self scores" in problems[0]
    assert problems[0].endswith("have 4 between them, from 1 to 4")
    assert "role_level = 'other'" in problems[0] and "role_level = 'senior'" in problems[0]
    rows[8] = ("framework_area×role_level", "x×front", None, "secondary")  # the fix: 9 between the three
    rows[13] = ("framework_area×role_level", "y×front", None, "secondary")  # (else the front column gives x × front)
    assert audit_programme_tables({"where_it_works": _where(rows)}, {}, threshold=T).ok


def test_a_crossed_cell_the_programme_does_not_list_has_nobody():
    # The crossing lists every cell with participants: x × other is not listed, so it has none,
    # and x × senior = 13 − 5 − 5 = 3 (Leading to Deliver's professional practice × senior
    # managers, 122 − 63 − 5 − 51, before the programme's crossings were read this way).
    rows = [("framework_area", "x", 13, ""), ("role_level", "first_line", 25, ""), ("role_level", "middle", 15, ""),
            ("role_level", "senior", None, "withheld"), ("role_level", "other", 6, ""),
            ("framework_area×role_level", "x×first_line", 5, ""), ("framework_area×role_level", "x×middle", 5, ""),
            ("framework_area×role_level", "x×senior", None, "withheld"),
            ("framework_area×role_level", "y×first_line", None, "withheld"),
            ("framework_area×role_level", "y×middle", None, "withheld"),
            ("framework_area×role_level", "y×senior", None, "withheld"),
            ("framework_area×role_level", "y×other", None, "withheld")]
    problems = audit_programme_tables({"where_it_works": _where(rows)}, {}, threshold=T).problems
    assert len(problems) == 1
    assert problems[0].startswith("the programme: the number with framework_area = 'x' and role_level = 'senior' "
                                  "with self scores for both waves of pre_post on leading_change can be worked out: 3")
    rows.append(("framework_area×role_level", "x×other", None, "withheld"))  # listed: it may hold anyone
    problems = audit_programme_tables({"where_it_works": _where(rows)}, {}, threshold=T).problems
    assert len(problems) == 1 and "have 3 between them" in problems[0]  # x × senior or other: 3 people together
    rows[6] = ("framework_area×role_level", "x×middle", None, "withheld")  # 8 between three cells
    assert audit_programme_tables({"where_it_works": _where(rows)}, {}, threshold=T).ok


def test_pooled_pairs_are_differenced_against_the_cohorts_breakdowns():
    # Cohort breakdowns omit groups without pairs (none in cohort 3) and are self-rated.
    def breakdowns(counts):
        return pd.DataFrame([{"dimension": "sector", "category": c, "scale": "leading_change",
                              "comparison": "pre_post", "n_pairs": n, "mean_change": None if n is None else 0.3,
                              "suppressed": "" if n is not None else "primary"} for c, n in counts.items()])

    cohorts = {"1": {"breakdowns": breakdowns({"council": 14, "health": 7})},
               "2": {"breakdowns": breakdowns({"council": 16, "health": None})},
               "3": {"breakdowns": breakdowns({"council": 9})}}
    pooled = _where([("sector", "council", 39, ""), ("sector", "health", 11, "")])
    problems = audit_programme_tables({"where_it_works": pooled}, cohorts, threshold=T).problems
    assert problems == ("programme/where_it_works, row sector = 'health', leading_change, pre_post, self: the "
                        "programme publishes 11 pairs and cohorts 1, 3 publish 7, so cohort 2 has 4 (from 1 to 4)",)
    # the line manager's pooled pairs have no cohort breakdown to subtract
    assert audit_programme_tables({"where_it_works": _where([("sector", "health", 11, "")], "line_manager")},
                                  cohorts, threshold=T).ok


def test_completers_and_the_where_tables_notation_are_read():
    # where_it_works as the report writes it: a whole-programme row (dimension 'all'), crossings
    # written 'a × b', participants and completion share per group. First-line managers: 20 ×
    # 0.85 = 17 completers, so 3 did not complete.
    rows = pd.DataFrame({"dimension": ["all", "role_level", "role_level", "role_level × sector",
                                       "role_level × sector", "role_level × sector", "role_level × sector"],
                         "category": ["all", "first_line", "senior", "first_line × council", "first_line × health",
                                      "senior × council", "senior × health"],
                         "scale": "leading_change", "comparison": "pre_post", "rater": "self",
                         "participants": [45, 20, 25, None, None, None, None],
                         "completion_share": [0.8, 0.85, 0.76, None, None, None, None],
                         "n_pairs": [34, 14, 20, 9, None, None, None], "n_cohorts": 2,
                         "suppressed": ["", "", "", "", "secondary", "secondary", "secondary"]})
    problems = audit_programme_tables({"where_it_works": rows}, {}, threshold=T).problems
    assert problems == ("the programme: the number with role_level = 'first_line' who did not complete the programme "
                        "can be worked out: 3, from 1 to 4 (tables: programme/where_it_works)",)
    rows["completion_share"] = [33 / 45, 0.7, 0.76, None, None, None, None]  # 6 and 6 did not complete
    assert audit_programme_tables({"where_it_works": rows}, {}, threshold=T).ok
    rows.loc[3, "n_pairs"] = 10  # first-line managers in health: 14 − 10 = 4 pairs
    problems = audit_programme_tables({"where_it_works": rows}, {}, threshold=T).problems
    assert problems == ("the programme: the number with role_level = 'first_line' and sector = 'health' with self "
                        "scores for both waves of pre_post on leading_change can be worked out: 4, from 1 to 4 "
                        "(tables: programme/where_it_works)",)


def test_a_small_pooled_count_published_is_caught_and_a_whole_cohort_is_not_a_small_group():
    pooled = _equity("sector", {"council": 30, "health": 2})
    problems = audit_programme_tables({"equity_pooled": pooled}, {}, threshold=T).problems
    assert problems == ("the programme: the number of participants with sector = 'health' is published and is 2, "
                        "from 1 to 4 (table: programme/equity_pooled)",)
    # cohort 2 has 3 people, all in the council sector: its count is its (published) size
    cohorts = {"1": _cohort({"council": 20, "health": 8}), "2": _cohort({"council": None, "health": 0}, None, 3)}
    assert audit_programme_tables({"equity_pooled": _equity("sector", {"council": 23, "health": 8})}, cohorts,
                                  threshold=T).ok


def test_tables_that_contradict_each_other_fail_and_a_bad_threshold_is_refused():
    cohorts = {"1": _cohort({"council": 20, "health": 6}), "2": _cohort({"council": 10, "health": 6})}
    problems = audit_programme_tables({"equity_pooled": _equity("sector", {"council": 31, "health": 12})}, cohorts,
                                      threshold=T).problems
    assert len(problems) == 1 and "contradict each other" in problems[0]
    with pytest.raises(ValueError, match="`threshold` must be a whole number of at least 1, got 0"):
        audit_programme_tables({}, {}, threshold=0)


def test_the_pipeline_entry_point_reads_the_cohort_reports_beside_the_programme_report(tmp_path):
    reports = tmp_path / "reports"
    for label, counts, flags, enrolled in (("1", {"council": 20, "health": 6}, None, 26),
                                           ("2", {"council": None, "health": None}, None, 23)):
        tables = reports / "demo" / f"cohort-{label}" / "tables"
        tables.mkdir(parents=True)
        _equity("sector", counts, flags).to_csv(tables / "equity.csv", index=False)
        _flow(enrolled).to_csv(tables / "attrition.csv", index=False)
    programme = reports / "demo" / "programme"
    (programme / "tables").mkdir(parents=True)
    _equity("sector", {"council": 40, "health": 9}).to_csv(programme / "tables" / "equity_pooled.csv", index=False)
    audit = audit_programme_folder(programme, reports, "demo", threshold=T)
    assert audit.problems == ("programme/equity_pooled, row sector = 'health': the programme publishes 9 participants "
                              "and cohort 1 publishes 6, so cohort 2 has 3 (from 1 to 4)",)
    _equity("sector", {"council": None, "health": None}).to_csv(programme / "tables" / "equity_pooled.csv", index=False)
    assert audit_programme_folder(programme, reports, "demo", threshold=T).ok


# ------------------------------------------------- whenever the audit passes, brute force finds nothing


def _compositions(total, n, lows, highs):
    """Every way to write ``total`` as ``n`` whole numbers within the bounds."""
    for combo in itertools.product(*[range(lo, min(hi, total) + 1) for lo, hi in zip(lows, highs, strict=True)]):
        if sum(combo) == total:
            yield combo


def _recoverable(values, shown, primary, pooled_shown, pooled_primary, threshold):
    """Counts of 1..threshold − 1 a reader pins down, by enumerating every table that fits (reference)."""
    k, m = values.shape
    per_cohort = []
    for c in range(k):
        hidden = [j for j in range(m) if not shown[c, j]]
        rest = int(values[c].sum() - values[c][shown[c]].sum())
        lows = [1 if primary[c, j] else 0 for j in hidden]
        highs = [threshold - 1 if primary[c, j] else rest for j in hidden]
        options = []
        for combo in _compositions(rest, len(hidden), lows, highs):
            row = values[c].copy()
            row[hidden] = combo
            options.append(row)
        per_cohort.append(options)
    fits = []
    pooled = values.sum(axis=0)
    for rows in itertools.product(*per_cohort):
        table = np.array(rows)
        sums = table.sum(axis=0)
        if (sums[pooled_shown] == pooled[pooled_shown]).all() and all(
                1 <= sums[j] < threshold for j in range(m) if pooled_primary[j]):
            fits.append(table)
    fits = np.array(fits)
    totals = values.sum(axis=1)
    found = []
    for c, j in itertools.product(range(k), range(m)):  # a hidden cell of one cohort
        cell = fits[:, c, j]
        if not shown[c, j] and (cell == cell[0]).all() and 1 <= cell[0] < threshold and cell[0] != totals[c]:
            found.append(("cohort", c, j))
    for j in range(m):
        cell = fits[:, :, j].sum(axis=1)
        if not pooled_shown[j] and (cell == cell[0]).all() and 1 <= cell[0] < threshold and cell[0] != totals.sum():
            found.append(("pooled", j))
        withheld = ~shown[:, j]
        rest = fits[:, withheld, j].sum(axis=1)
        if pooled_shown[j] and withheld.any() and (rest == rest[0]).all() and 1 <= rest[0] < threshold \
                and not (fits[0, withheld, j] == totals[withheld]).all():
            found.append(("remainder", j))
    # withheld groups together: a line whose parts not fixed by the fits are two or more and always add up to
    # the same 1..threshold − 1, short of the line's whole total (each cohort's row, the pooled row)
    sums = fits.sum(axis=1)  # each fit's pooled cells
    for line, total in [*((fits[:, c, :], totals[c]) for c in range(k)), (sums, pooled.sum())]:
        free = [j for j in range(m) if not (line[:, j] == line[0, j]).all()]
        rest = line[:, free].sum(axis=1)
        if len(free) >= 2 and (rest == rest[0]).all() and 1 <= rest[0] < threshold and rest[0] != total:
            found.append(("union", free))
    return found


def test_whenever_the_audit_passes_brute_force_recovers_no_small_count():
    # Reference: every whole-number table of k cohorts × m categories that fits what the cohort
    # reports and the programme report publish (cohort totals, cohort cells, pooled cells and the
    # programme total, primary labels as bounds), enumerated; a count of 1..4 people that is the
    # same in all of them (one cohort's, a pooled one, or the withheld cohorts' together) is
    # recovered. The audit must fail exactly when one is, or when a pooled one is published.
    rng = np.random.default_rng(20261127)
    outcomes = {True: 0, False: 0}
    for _ in range(120):
        k, m = int(rng.integers(2, 4)), 3
        values = rng.integers(0, 9, size=(k, m))
        values[values.sum(axis=1) == 0, 0] = 3
        small = (values >= 1) & (values < T)
        shown = ~small & (rng.random((k, m)) < 0.6)
        primary = small & (rng.random((k, m)) < 0.7)
        pooled = values.sum(axis=0)
        pooled_shown = rng.random(m) < 0.75
        pooled_primary = ~pooled_shown & (pooled >= 1) & (pooled < T) & (rng.random(m) < 0.7)
        cats = [f"c{j}" for j in range(m)]

        def flags(show, prim):
            return ["" if s else ("primary" if p else "secondary") for s, p in zip(show, prim, strict=True)]

        cohorts = {str(c + 1): {"equity": pd.DataFrame({
            "dimension": "sector", "category": cats,
            "participants": [float(v) if s else None for v, s in zip(values[c], shown[c], strict=True)],
            "suppressed": flags(shown[c], primary[c])}), "attrition": _flow(int(values[c].sum()))}
            for c in range(k)}
        programme = pd.DataFrame({"dimension": "sector", "category": cats,
                                  "participants": [float(v) if s else None for v, s in zip(pooled, pooled_shown, strict=True)],
                                  "suppressed": flags(pooled_shown, pooled_primary)})
        audit = audit_programme_tables({"equity_pooled": programme}, cohorts, threshold=T)
        found = _recoverable(values, shown, primary, pooled_shown, pooled_primary, T)
        published_small = any(pooled_shown[j] and 1 <= pooled[j] < T and pooled[j] != pooled.sum() for j in range(m))
        assert audit.ok == (not found and not published_small), (values, shown, pooled_shown, audit.problems, found)
        outcomes[audit.ok] += 1
    assert min(outcomes.values()) >= 20  # both passes and leaks were tried


def test_exact_counts_agree_with_brute_force_on_a_crossing():
    # A 2 × 2 × 2 table (cohort × a × b) whose reader sees the cohorts' one-way margins and the
    # pooled crossing: linear bounds need not be whole numbers here, so the audit solves in
    # whole numbers (milp); reference: enumeration of every table with the same margins.
    rng = np.random.default_rng(7)
    for _ in range(15):
        x = rng.integers(0, 4, size=(2, 2, 2))
        cells = list(itertools.product(range(2), range(2), range(2)))
        margins = {("ca", c, a): x[c, a].sum() for c in range(2) for a in range(2)}
        margins |= {("cb", c, b): x[c, :, b].sum() for c in range(2) for b in range(2)}
        margins |= {("ab", a, b): x[:, a, b].sum() for a in range(2) for b in range(2)}
        names = [*cells, *margins]
        known = [None] * len(cells) + [float(v) for v in margins.values()]
        lines = [(names.index(key), [cells.index(cell) for cell in cells
                                     if (key[0] == "ca" and (cell[0], cell[1]) == key[1:])
                                     or (key[0] == "cb" and (cell[0], cell[2]) == key[1:])
                                     or (key[0] == "ab" and (cell[1], cell[2]) == key[1:])]) for key in margins]
        got = exact_counts(known, lines, [0] * len(names), [np.inf] * len(names), range(len(cells)))
        caps = [min(v for key, v in margins.items() if key[0] == "ca" and key[1:] == (c, a)) for c, a, _ in cells]
        fits = [v for v in itertools.product(*[range(cap + 1) for cap in caps])
                if all(known[t] == sum(v[p] for p in parts) for t, parts in lines)]
        fits = np.array(fits)
        for j in range(len(cells)):
            same = (fits[:, j] == fits[0, j]).all()
            assert (got[j] == fits[0, j]) if same else np.isnan(got[j])


# ------------------------------------------- the shipped cohorts, and a pooled table that leaks


@pytest.mark.slow
def test_every_count_the_audit_names_in_the_shipped_cohorts_is_the_true_count():
    # The five Leading to Deliver cohort reports' tables as published, and an equity table pooled
    # over them with primary suppression only (no protection across reports): the audit must
    # find leaks, and every number it says a reader can work out about one cohort is that
    # cohort's true count in the data (reference: counting the participants).
    import re

    from evaluation.data.cohort import load_cohort_data
    from tests.test_differencing import published_tables

    cohorts, truth = {}, {}
    for c in range(1, 6):
        cohorts[str(c)], _ = published_tables("leading-to-deliver", c)
        people = load_cohort_data("leading-to-deliver", c).participants
        for dimension in cohorts[str(c)]["equity"]["dimension"].unique():
            counts = people[dimension].astype("object").fillna("not_recorded").astype(str).value_counts()
            truth |= {(str(c), dimension, k): int(v) for k, v in counts.items()}
    rows = cohorts["1"]["equity"][["dimension", "category"]].drop_duplicates()
    pooled = rows.assign(n=[sum(truth.get((str(c), d, k), 0) for c in range(1, 6))
                            for d, k in zip(rows["dimension"], rows["category"], strict=True)])
    pooled = pooled.assign(participants=pooled["n"].where(~pooled["n"].between(1, T - 1)),
                           suppressed=np.where(pooled["n"].between(1, T - 1), "primary", ""))
    audit = audit_programme_tables({"equity_pooled": pooled}, cohorts, threshold=T)
    remainder = re.compile(r"row (\w+) = '([^']+)': the programme publishes \d+ participants and .* so cohort (\d+) "
                           r"has (\d+) ")
    worked_out = re.compile(r"^cohort (\d+): the number of participants with (\w+) = '([^']+)' can be worked out: "
                            r"(\d+),")
    checked = 0
    for problem in audit.problems:
        if m := remainder.search(problem):
            assert truth.get((m[3], m[1], m[2]), 0) == int(m[4]), problem
            checked += 1
        elif m := worked_out.search(problem):
            assert truth.get((m[1], m[2], m[3]), 0) == int(m[4]), problem
            checked += 1
    assert checked >= 3, audit.problems
