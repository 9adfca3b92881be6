"""Cost analysis (evaluation.stats.costs): hand-worked reference cases, properties and bad input.

The reference cohort used throughout (arithmetic written beside each assertion):

* deflators (index): 2004 = 50, 2005 = 80, 2024 = 100, so 2004 → 2024 is × 2 and
  2005 → 2024 is × 1.25 (real = nominal × D_base / D_year);
* cohort 1 has 4 participants (a, b, c completed; d withdrew), cohort 2 has 8;
* cost lines: cohort 1 facilitation £10,000 (2005, fixed), cohort 1 venue £500 per participant
  (2005), programme-level design £6,000 (2004, fixed, shared by enrolment: 4 / 12 = 1/3 to
  cohort 1), cohort 2 facilitation £20,000 (2005);
* participants' time, derived: 5 sessions × 2 hours; £20 an hour for middle managers and £16
  for first-line managers (2005 prices).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.core.errors import DegenerateDataWarning
from evaluation.stats import costs as ct

DEFLATORS = pd.DataFrame({"year": [2004, 2005, 2024], "index": [50.0, 80.0, 100.0], "source": ["test"] * 3})
STAFF = ct.StaffTime({"middle_manager": 20.0, "first_line_manager": 16.0}, price_year=2005, sessions=5,
                     hours_per_session=2.0, source="test")


def costs_table() -> pd.DataFrame:
    return pd.DataFrame({
        "cohort": pd.array([1, 1, None, 2], dtype="Int64"),
        "category": ["delivery", "venue", "design", "delivery"],
        "description": ["Facilitation", "Venue", "Design", "Facilitation"],
        "amount": pd.array([10000.0, 500.0, 6000.0, 20000.0], dtype="Float64"),
        "price_year": pd.array([2005, 2005, 2004, 2005], dtype="Int64"),
        "basis": ["fixed", "per_participant", "fixed", "fixed"],
    })


def cohort_one() -> pd.DataFrame:
    return pd.DataFrame({
        "participant_id": ["a", "b", "c", "d"],
        "cohort": [1, 1, 1, 1],
        "role_level": ["middle_manager", "first_line_manager", "middle_manager", "first_line_manager"],
        "status": ["completed", "completed", "completed", "withdrew"],
        "sessions_attended": pd.array([5, 3, None, 0], dtype="Int64"),
    })


ENROLLED = {1: 4, 2: 8}


def ledger(costs=None, people=None, *, staff=STAFF, base_year=2024, enrolled=None, deflators=DEFLATORS):
    return ct.cost_ledger(costs_table() if costs is None else costs, cohort_one() if people is None else people,
                          cohort=1, enrolled=ENROLLED if enrolled is None else enrolled, deflators=deflators,
                          base_year=base_year, staff=staff)


def summary_values(table: pd.DataFrame) -> pd.Series:
    return table.set_index("measure")["value"]


# --------------------------------------------------------------------------- deflation


def test_deflate_hand_worked():
    d = pd.DataFrame({"year": [2005, 2024], "index": [61.57, 100.0]})
    # £1,000 in 2005 at base 2024 = 1000 × 100 / 61.57 = 1,624.1676...
    assert ct.deflate(1000, 2005, d, base_year=2024) == pytest.approx(1000 * 100 / 61.57, rel=1e-15)
    assert ct.deflate(1000, 2005, d, base_year=2024) == pytest.approx(1624.1676, abs=1e-4)
    # the base year's own prices are unchanged: × 100 / 100
    assert ct.deflate(250.0, 2024, d, base_year=2024) == 250.0
    # back to 2005 prices: 100 × 61.57 / 100 = 61.57
    assert ct.deflate([100.0], [2024], d, base_year=2005)[0] == pytest.approx(61.57)


def test_deflate_rejects_a_year_without_deflator_and_negative_amounts():
    with pytest.raises(ValueError, match=r"price year\(s\) \[1999\].*no GDP deflator"):
        ct.deflate(100, 1999, DEFLATORS, base_year=2024)
    with pytest.raises(ValueError, match="`base_year` 2030 has no GDP deflator"):
        ct.deflate(100, 2005, DEFLATORS, base_year=2030)
    with pytest.raises(ValueError, match="≥ 0"):
        ct.deflate(-1, 2005, DEFLATORS, base_year=2024)


# --------------------------------------------------------------------------- apportioning


def test_apportion_by_enrolment():
    out = ct.apportion(costs_table(), ENROLLED)
    design = out[out["category"] == "design"].set_index("cohort")
    # £6,000 shared by 4 + 8 enrolled: cohort 1 gets 6000 × 4/12 = 2,000, cohort 2 6000 × 8/12 = 4,000
    assert design.loc[1, "share"] == pytest.approx(4 / 12)
    assert design.loc[1, "apportioned_amount"] == pytest.approx(2000.0)
    assert design.loc[2, "apportioned_amount"] == pytest.approx(4000.0)
    # nothing is lost or created: 2,000 + 4,000 = 6,000
    assert design["apportioned_amount"].sum() == pytest.approx(6000.0)
    # cohort lines stay where they are, share 1
    own = out[out["level"] == "cohort"]
    assert list(own["cohort"]) == [1, 1, 2] and (own["share"] == 1.0).all()


def test_programme_level_per_participant_line_is_not_shared():
    c = pd.concat([costs_table(), pd.DataFrame({
        "cohort": pd.array([None], dtype="Int64"), "category": ["materials"], "description": ["Pack"],
        "amount": [30.0], "price_year": [2024], "basis": ["per_participant"]})], ignore_index=True)
    out = ct.apportion(c, ENROLLED)
    packs = out[out["category"] == "materials"]
    # £30 per enrolled participant in every cohort: share 1, still £30 each
    assert list(packs["cohort"]) == [1, 2] and (packs["apportioned_amount"] == 30.0).all()
    lg = ledger(c)
    # in cohort 1: 30 per participant counts in v; 30 × 4 = 120 in the ledger
    line = lg.lines[lg.lines["category"] == "materials"].iloc[0]
    assert line["component"] == "variable" and line["real_total"] == pytest.approx(120.0)


# --------------------------------------------------------------------------- participants' time


def test_participant_time_hand_worked():
    t = ct.participant_time(cohort_one(), STAFF, DEFLATORS, base_year=2024).set_index("participant_id")
    # a: 5 sessions × 2 h = 10 h × £20 = £200 (2005) × 1.25 = £250 (2024)
    assert (t.loc["a", "hours"], t.loc["a", "time_cost"]) == (10.0, pytest.approx(250.0))
    # b: 3 × 2 = 6 h × £16 = £96 × 1.25 = £120
    assert (t.loc["b", "hours"], t.loc["b", "time_cost"]) == (6.0, pytest.approx(120.0))
    # c: attendance not recorded → the whole programme, 5 × 2 = 10 h × £20 = £200 × 1.25 = £250
    assert (t.loc["c", "hours"], t.loc["c", "time_cost"]) == (10.0, pytest.approx(250.0))
    # d: withdrew before the first session: 0 h, £0
    assert (t.loc["d", "hours"], t.loc["d", "time_cost"]) == (0.0, 0.0)


def test_participant_time_bad_input():
    people = cohort_one().assign(role_level=["middle_manager", "chief_officer", "middle_manager", "other"])
    with pytest.raises(ValueError, match=r"staff_hourly_cost.by_role_level.*\['chief_officer', 'other'\]"):
        ct.participant_time(people, STAFF, DEFLATORS, base_year=2024)
    too_many = cohort_one().assign(sessions_attended=[5, 6, 1, 0])
    with pytest.raises(ValueError, match="`sessions_attended` must be between 0 and the programme's 5"):
        ct.participant_time(too_many, STAFF, DEFLATORS, base_year=2024)
    old = ct.StaffTime({"middle_manager": 20.0, "first_line_manager": 16.0}, 1999, 5, 2.0)
    with pytest.raises(ValueError, match=r"staff_hourly_cost.price_year.*\[1999\].*no GDP deflator"):
        ct.participant_time(cohort_one(), old, DEFLATORS, base_year=2024)


# --------------------------------------------------------------------------- ledger, C(n), denominators


def test_ledger_fixed_variable_and_total_hand_worked():
    lg = ledger()
    assert lg.participant_time_source == "derived"
    # F = facilitation 10,000 × 1.25 + design share 6,000 × 2 × 1/3 = 12,500 + 4,000 = 16,500
    assert lg.fixed_cost == pytest.approx(16500.0)
    # v = venue 500 × 1.25 + participants' time (250 + 120 + 250 + 0) / 4 = 625 + 155 = 780
    assert lg.variable_cost_per_participant == pytest.approx(780.0)
    # C(4) = F + v·n = 16,500 + 780 × 4 = 19,620
    assert lg.total_cost == pytest.approx(19620.0)
    assert lg.total_cost == lg.fixed_cost + lg.variable_cost_per_participant * lg.enrolled
    # participants' time 250 + 120 + 250 + 0 = 620
    assert lg.participant_time_cost == pytest.approx(620.0)
    # the ledger's lines add up to the total
    assert lg.lines["real_total"].sum() == pytest.approx(19620.0)


def test_each_denominator_hand_worked():
    table = ct.cost_summary(ledger(), improved=["a"])
    v = summary_values(table)
    # cost per enrolled = 19,620 / 4 = 4,905
    assert v["cost_per_enrolled"] == pytest.approx(4905.0)
    # cost per completer = 19,620 / 3 (a, b, c) = 6,540
    assert v["cost_per_completer"] == pytest.approx(6540.0)
    # cost per reliable improver = 19,620 / 1 (a) = 19,620
    assert v["cost_per_reliable_improver"] == pytest.approx(19620.0)
    # cash, without participants' time: (19,620 − 620) / 4 = 4,750
    assert v["cash_cost_per_enrolled"] == pytest.approx(4750.0)
    # marginal cost of a participant = v = 780; of a cohort of 4 = own fixed 12,500 + 780 × 4 = 15,620
    assert v["marginal_cost_participant"] == pytest.approx(780.0)
    assert v["marginal_cost_cohort"] == pytest.approx(15620.0)
    # own fixed 12,500 + apportioned 4,000 = F 16,500
    assert v["cohort_fixed_cost"] == pytest.approx(12500.0)
    assert v["apportioned_programme_cost"] == pytest.approx(4000.0)
    assert (v["enrolled"], v["completed"], v["reliable_improvers"]) == (4.0, 3.0, 1.0)
    # the contract's measures and columns, with the base year beside every money figure
    assert list(table.columns[:6]) == ["measure", "value", "ci_low", "ci_high", "unit", "price_base_year"]
    assert {"total_cost", "fixed_cost", "variable_cost_per_participant", "participant_time_cost",
            "cost_per_enrolled", "cost_per_completer", "cost_per_reliable_improver"} <= set(table["measure"])
    money = table[table["unit"].str.startswith("GBP")]
    assert (money["unit"] == "GBP (2024 prices)").all() and (money["price_base_year"] == 2024).all()


def test_cash_and_economic_split_hand_worked():
    # A small ledger worked by hand. Deflators 2020 = 80, 2024 = 100 (× 1.25 from 2020 to 2024).
    # Cohort 1 has 5 places (4 completed, 1 withdrew; 2 reliably improved); cohort 2 has 15.
    #   programme-level needs assessment £8,000 (2024, fixed): shared by enrolment, 5/20 → 2,000
    #   programme-level materials £40 per participant (2020): 40 × 1.25 = 50 each, not shared → 250
    #   cohort 1 facilitation £12,000 (2020, fixed): 12,000 × 1.25 = 15,000 (the cohort's own fixed cost)
    #   cohort 1 venue £200 per participant (2024): 200 each → 1,000
    #   cohort 1 participants' time £300 per participant (2024 cost rows): 300 each → 1,500
    # F = 15,000 + 2,000 = 17,000; v = 50 + 200 + 300 = 550; cash v = 550 − 300 = 250
    # economic C = 17,000 + 550 × 5 = 19,750; cash = 19,750 − 1,500 = 18,250 (= 17,000 + 250 × 5)
    # per place: 19,750 / 5 = 3,950 and 18,250 / 5 = 3,650
    # per completer: 19,750 / 4 = 4,937.5 and 18,250 / 4 = 4,562.5
    # per reliable improver: 19,750 / 2 = 9,875 and 18,250 / 2 = 9,125
    # another cohort of 5 places (own fixed + v × 5, the needs assessment not spent again):
    #   economic 15,000 + 550 × 5 = 17,750; cash 15,000 + 250 × 5 = 16,250
    deflators = pd.DataFrame({"year": [2020, 2024], "index": [80.0, 100.0]})
    costs = pd.DataFrame({
        "cohort": pd.array([None, None, 1, 1, 1, 2], dtype="Int64"),
        "category": ["needs_assessment", "materials", "delivery", "venue", "participant_time", "delivery"],
        "description": [""] * 6, "amount": [8000.0, 40.0, 12000.0, 200.0, 300.0, 9000.0],
        "price_year": [2024, 2020, 2020, 2024, 2024, 2024],
        "basis": ["fixed", "per_participant", "fixed", "per_participant", "per_participant", "fixed"],
    })
    people = pd.DataFrame({"participant_id": list("pqrst"), "status": ["completed"] * 4 + ["withdrew"]})
    lg = ct.cost_ledger(costs, people, cohort=1, enrolled={1: 5, 2: 15}, deflators=deflators, base_year=2024)
    table = ct.cost_summary(lg, improved=["p", "q"]).set_index("measure")
    v = table["value"]
    expected = {
        "fixed_cost": 17000.0, "cohort_fixed_cost": 15000.0, "apportioned_programme_cost": 2000.0,
        "variable_cost_per_participant": 550.0, "cash_variable_cost_per_participant": 250.0,
        "participant_time_cost": 1500.0, "total_cost": 19750.0, "cash_total_cost": 18250.0,
        "cost_per_enrolled": 3950.0, "cash_cost_per_enrolled": 3650.0,
        "cost_per_completer": 4937.5, "cash_cost_per_completer": 4562.5,
        "cost_per_reliable_improver": 9875.0, "cash_cost_per_reliable_improver": 9125.0,
        "marginal_cost_cohort": 17750.0, "cash_marginal_cost_cohort": 16250.0,
        "marginal_cost_participant": 550.0, "cash_marginal_cost_participant": 250.0,
    }
    for measure, value in expected.items():
        assert v[measure] == pytest.approx(value, rel=1e-12), measure
    # every money measure of the table is checked above, so none goes untested
    assert set(table.index[table["unit"].str.startswith("GBP")]) == set(expected)
    # the views: cash twins, economic contract measures, and "both" for figures without participants' time
    assert table.loc["cash_total_cost", "view"] == "cash" and table.loc["total_cost", "view"] == "economic"
    assert table.loc["fixed_cost", "view"] == "both" and table.loc["enrolled", "view"] == ""
    assert (table.loc[[m for m in expected if m.startswith("cash_")], "view"] == "cash").all()


def test_improved_may_be_a_boolean_series_and_unknown_people_are_refused():
    flags = pd.Series([True, False], index=["a", "b"])  # c and d not listed: not improved
    assert summary_values(ct.cost_summary(ledger(), improved=flags))["reliable_improvers"] == 1.0
    with pytest.raises(ValueError, match="not in the cohort"):
        ct.cost_summary(ledger(), improved=["zz"])


def test_nobody_improved_or_completed_is_nan_with_a_warning_never_inf():
    # the words are published in the cost report's data notes: a cohort of 3 read "cost per reliable
    # improver is undefined (NaN)"
    with pytest.warns(DegenerateDataWarning, match="nobody reliably improved") as said:
        v = summary_values(ct.cost_summary(ledger(), improved=[]))
    assert str(said[0].message) == ("cohort 1: nobody reliably improved on the primary scale, so there is no cost per "
                                    "reliable improver")
    assert math.isnan(v["cost_per_reliable_improver"])
    people = cohort_one().assign(status="withdrew")
    with pytest.warns(DegenerateDataWarning, match="nobody completed") as said:
        v = summary_values(ct.cost_summary(ledger(people=people), improved=["a"]))
    assert "NaN" not in " ".join(str(w.message) for w in said)
    assert math.isnan(v["cost_per_completer"])
    assert not np.isinf(v.to_numpy(dtype=float)).any()


def test_participant_time_rows_take_precedence_and_backfill_replaces_time():
    rows = pd.concat([costs_table(), pd.DataFrame({
        "cohort": pd.array([1], dtype="Int64"), "category": ["participant_time"], "description": ["Time"],
        "amount": [100.0], "price_year": [2024], "basis": ["per_participant"]})], ignore_index=True)
    lg = ledger(rows)
    # rows given: £100 × 4 = 400 of participants' time, nothing derived
    assert lg.participant_time_source == "cost_rows"
    assert lg.participant_time_cost == pytest.approx(400.0)
    # v = 625 + 100 = 725; C = 16,500 + 725 × 4 = 19,400
    assert lg.total_cost == pytest.approx(19400.0)
    backfill = rows.assign(category=rows["category"].replace({"participant_time": "backfill"}))
    lg = ledger(backfill)
    assert lg.participant_time_source == "backfill"
    assert lg.total_cost == pytest.approx(19400.0)  # the backfill replaces the derived time


def test_fixed_basis_participant_time_is_per_participant():
    rows = pd.concat([costs_table(), pd.DataFrame({
        "cohort": pd.array([1], dtype="Int64"), "category": ["participant_time"], "description": ["Time"],
        "amount": [400.0], "price_year": [2024], "basis": ["fixed"]})], ignore_index=True)
    lg = ledger(rows)
    # a total of £400 for 4 people counts in v: 625 + 400/4 = 725; F unchanged at 16,500
    assert lg.fixed_cost == pytest.approx(16500.0)
    assert lg.variable_cost_per_participant == pytest.approx(725.0)


def test_no_participant_time_warns_that_costs_are_not_fully_loaded():
    with pytest.warns(DegenerateDataWarning, match="not fully loaded"):
        lg = ledger(staff=None)
    assert lg.participant_time_source == "none"
    # C = 16,500 + 625 × 4 = 19,000
    assert lg.total_cost == pytest.approx(19000.0)


def test_costs_by_category_hand_worked():
    table = ct.costs_by_category(ledger())
    assert list(table.columns[:4]) == ["category", "basis", "amount", "share"]
    amounts = table.set_index("category")["amount"]
    # design 4,000; delivery 12,500; venue 625 × 4 = 2,500; participants' time 620 (contract order)
    assert list(amounts.index) == ["design", "delivery", "venue", "participant_time"]
    assert amounts.to_numpy() == pytest.approx([4000.0, 12500.0, 2500.0, 620.0])
    # shares of 19,620
    assert table["share"].to_numpy() == pytest.approx(np.array([4000, 12500, 2500, 620]) / 19620)
    assert table["share"].sum() == pytest.approx(1.0)
    # participants' time is in the economic cost only; the rest is cash, shares of 19,000
    views = table.set_index("category")["view"]
    assert views["participant_time"] == "economic" and (views.drop("participant_time") == "both").all()
    cash = table.set_index("category")["share_of_cash"]
    assert math.isnan(cash["participant_time"])
    assert cash.drop("participant_time").to_numpy() == pytest.approx(np.array([4000, 12500, 2500]) / 19000)


def test_cost_curve_hand_worked():
    curve = ct.cost_curve(ledger(), max_participants=9).set_index("participants")
    # C(N) = shared 4,000 + ⌈N/4⌉ × 12,500 + 780·N
    assert curve.loc[4, "total_cost"] == pytest.approx(4000 + 12500 + 780 * 4)  # = C(4) = 19,620
    assert curve.loc[5, "total_cost"] == pytest.approx(4000 + 2 * 12500 + 780 * 5)  # a second cohort: 32,900
    assert curve.loc[5, "marginal_cost"] == pytest.approx(12500 + 780)  # the step cost
    assert curve.loc[3, "marginal_cost"] == pytest.approx(780)  # within a cohort: v
    assert curve.loc[9, "cohorts"] == 3
    assert curve.loc[2, "average_cost"] == pytest.approx((4000 + 12500 + 1560) / 2)


# --------------------------------------------------------------------------- sensitivity


def test_tornado_hand_worked():
    t = ct.tornado(ledger(), improved=["a"], measure="cost_per_completer").set_index("input")
    # hours × 1.5: participants' time 620 → 930, C = 19,620 + 310 = 19,930; per completer / 3
    assert t.loc["hours", "value_high"] == pytest.approx(19930 / 3)
    # hourly cost × 0.8: C = 19,620 − 124 = 19,496
    assert t.loc["hourly_cost", "value_low"] == pytest.approx(19496 / 3)
    # shared costs: design £12,000 (2024 prices) shared by enrolment 4/12 = 1/3 → 4,000 (the base), or in
    # equal shares over 2 cohorts 1/2 → 6,000: C = 19,620 + 2,000 = 21,620; per completer / 3
    assert (t.loc["shared_costs", "low_setting"], t.loc["shared_costs", "high_setting"]) == ("33.3%", "50.0%")
    assert t.loc["shared_costs", "value_low"] == pytest.approx(6540.0)
    assert t.loc["shared_costs", "value_high"] == pytest.approx(21620 / 3)
    # the improvement rate cannot move the cost per completer: it is left out
    assert set(t.index) == {"hours", "hourly_cost", "shared_costs"}
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    assert t["value_base"].to_numpy() == pytest.approx([6540.0] * 3)
    assert t["reason"].str.len().gt(20).all()  # each bar says why its range was tried
    # per reliable improver (a alone: 1 of 4): the Wilson interval of 1/4, improvers = rate × 4
    lo, hi = ct.wilson_interval(1, 4)
    r = ct.tornado(ledger(), improved=["a"], measure="cost_per_reliable_improver").set_index("input")
    # a share of everyone enrolled (the outcomes tables give shares of the people with both scores)
    assert r.loc["reliable_improvement_rate", "description"] == \
        "Share of those enrolled who reliably improved (observed 25.0%)"
    assert r.loc["reliable_improvement_rate", "value_low"] == pytest.approx(19620 / (lo * 4))
    assert r.loc["reliable_improvement_rate", "value_high"] == pytest.approx(19620 / (hi * 4))
    # a cash measure: participants' time cannot move it; the shared costs can (cash 19,000 + 2,000)
    c = ct.tornado(ledger(), improved=["a"], measure="cash_cost_per_completer").set_index("input")
    assert set(c.index) == {"shared_costs"}
    assert c.loc["shared_costs", "value_high"] == pytest.approx(21000 / 3)


def test_the_shared_cost_settings_have_decimals_enough_to_differ():
    # cohort 1 of Leading to Deliver: 103 of 514 places by enrolment, or one cohort in five, were
    # both written "20.0%", as if one setting gave two results (£14,963 and £14,964)
    from types import SimpleNamespace

    from evaluation.stats.costs.uncertainty import _shared_range

    lines = pd.DataFrame({"level": ["programme"], "component": ["fixed"], "share": [103 / 514]})
    stub = SimpleNamespace(lines=lines, shared_cost=82_591.0, cohorts_served=5)
    low, high, low_text, high_text, reason = _shared_range(stub, None)
    assert (low_text, high_text) == ("20.00%", "20.04%")
    assert "by enrolment, the base, at 20.04%, or in equal shares over the 5 cohorts, at 20.00%" in reason
    assert low == pytest.approx(0.2 / (103 / 514)) and high == 1.0
    # one decimal where it tells them apart, as before
    stub = SimpleNamespace(lines=lines.assign(share=[1 / 3]), shared_cost=4000.0, cohorts_served=2)
    assert _shared_range(stub, None)[2:4] == ("33.3%", "50.0%")


def test_the_tornados_reasons_name_where_participants_time_came_from():
    # The pilot's participants' time is given as rows of costs.csv, yet its tornado said "recorded
    # hours may overstate the time away from work (attendance over-recorded)": it has no attendance
    # record. Derived from attendance, the reason is the record's; given as rows, the rows'.
    derived = ct.tornado(ledger(), measure="cost_per_completer").set_index("input")["reason"]
    assert derived["hours"].startswith("recorded hours may overstate the time away from work, if attendance")
    rows = pd.concat([costs_table(), pd.DataFrame({
        "cohort": pd.array([1], dtype="Int64"), "category": ["participant_time"], "description": ["Time"],
        "amount": [100.0], "price_year": [2024], "basis": ["per_participant"]})], ignore_index=True)
    given = ct.tornado(ledger(rows), measure="cost_per_completer").set_index("input")["reason"]
    assert given["hours"].startswith("the cost of participants' time in the programme's cost records rests on hours")
    assert given["hourly_cost"].startswith("the cost of participants' time in the programme's cost records rests on an "
                                           "hourly cost")
    assert "PSSRU" not in given["hourly_cost"]  # a cost line names no schema
    assert "attendance" not in given["hours"] + given["hourly_cost"]
    backfill = rows.assign(category=rows["category"].replace({"participant_time": "backfill"}))
    bought = ct.tornado(ledger(backfill), measure="cost_per_completer").set_index("input")["reason"]
    assert bought["hours"].startswith("the cost of backfill in the programme's cost records rests on hours")
    # the pages put a reason in brackets beside its bar ("£18,540 at ×1.5 (…)"): none has brackets
    # of its own, which read "(… understate it (if travel … counted))" in the alternative text
    for reasons in (derived, given, bought):
        assert not [r for r in reasons if "(" in r or ")" in r]


@pytest.mark.parametrize("measure", ct.TORNADO_MEASURES)
def test_the_tornado_varies_uncertain_inputs_only_never_the_price_base_year(measure):
    import inspect

    t = ct.tornado(ledger(), improved=["a"], measure=measure)
    # the inputs varied are uncertain ones; the price base year (a choice of units) is not among them
    assert set(t["input"]) <= set(ct.TORNADO_INPUTS)
    assert "price_base_year" not in set(t["input"]) and "price_base_year" not in ct.TORNADO_INPUTS
    assert "base_years" not in inspect.signature(ct.tornado).parameters
    with pytest.raises(ValueError, match="unknown input"):
        ct.tornado(ledger(), improved=["a"], measure=measure, ranges={"price_base_year": (0.9, 1.1)})
    # one cohort bears all shared costs whatever the rule: zero swing, and the reason says so
    alone = ledger(costs_table().iloc[:3], enrolled={1: 4})
    row = ct.tornado(alone, improved=["a"], measure=measure).set_index("input").loc["shared_costs"]
    assert row["swing"] == 0.0 and "one cohort" in row["reason"]


def test_wilson_interval_reference():
    # Wilson (1927) for 90/100 at 95%: 0.8256 to 0.9448 (as R's prop.test without correction)
    lo, hi = ct.wilson_interval(90, 100)
    assert (round(lo, 4), round(hi, 4)) == (0.8256, 0.9448)


def test_wilson_interval_agrees_with_the_formula_written_out():
    from scipy.stats import norm

    # Wilson (1927): (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n)
    for n in (1, 2, 7, 104):
        for k in range(n + 1):
            for level in (0.9, 0.95):
                z, p = norm.isf((1 - level) / 2), k / n
                half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
                expected = ((p + z * z / (2 * n) - half) / (1 + z * z / n), (p + z * z / (2 * n) + half) / (1 + z * z / n))
                assert ct.wilson_interval(k, n, level) == pytest.approx(expected, rel=1e-13, abs=1e-15)
    assert all(math.isnan(x) for x in ct.wilson_interval(0, 0))
    with pytest.raises(ValueError, match="`confidence_level`"):
        ct.wilson_interval(3, 4, 95)



def test_wilson_interval_is_exactly_0_with_no_successes_and_1_with_all():
    # R: prop.test(0, 3, correct = FALSE)$conf.int -> 0.0000000 0.5614970;
    #    prop.test(3, 3, correct = FALSE)$conf.int -> 0.4385030 1.0000000
    # statsmodels left ~1e-17 at the closed end, so a cohort of 3 in which nobody reliably improved
    # had a tornado bar "£2,939,058,462,169,625,526,272 at 0.0%" for its cost per reliable improver
    assert ct.wilson_interval(0, 3) == pytest.approx((0.0, 0.5614970), abs=1e-7)
    assert ct.wilson_interval(0, 3).low == 0.0 and ct.wilson_interval(3, 3).high == 1.0
    for n in (1, 3, 6, 7, 12, 20, 104):
        assert ct.wilson_interval(0, n).low == 0.0 and ct.wilson_interval(n, n).high == 1.0
    nobody = ct.tornado(ledger(), improved=[], measure="cost_per_reliable_improver").set_index("input")
    assert math.isnan(nobody.loc["reliable_improvement_rate", "value_low"])  # no improvers: no cost per improver
    assert math.isnan(nobody.loc["reliable_improvement_rate", "swing"])

# --------------------------------------------------------------------------- discounting and ROI


def test_present_value_only_for_multi_year_streams():
    assert ct.present_value({2005: 500.0}) == 500.0  # one year: not discounted
    # 1000 + 1000/1.035 = 1,966.18
    assert ct.present_value({2005: 1000.0, 2006: 1000.0}) == pytest.approx(1000 + 1000 / 1.035)
    # discounted to 2005: 1000 / 1.035² = 933.51
    assert ct.present_value({2007: 1000.0}, base_year=2005) == pytest.approx(1000 / 1.035 ** 2)
    with pytest.raises(ValueError, match="before `base_year`"):
        ct.present_value({2004: 1.0}, base_year=2005)


def test_benefit_cost_ratio_and_roi_phillips_example():
    # Phillips & Phillips: benefits 60,000, costs 20,000 → BCR 3.0, ROI (60,000 − 20,000)/20,000 × 100 = 200%
    r = ct.benefit_cost(20000, {2005: 60000})
    assert (r.bcr, r.roi_percent, r.discounted) == (3.0, 200.0, False)
    # two years: PV = 30,000 + 30,000/1.035; BCR = PV / 20,000
    r = ct.benefit_cost(20000, {2005: 30000, 2006: 30000})
    assert r.discounted and r.bcr == pytest.approx((30000 + 30000 / 1.035) / 20000)


def test_real_benefits_adjusted_and_deflated():
    # 1000 × 0.5 × 0.8 × 100/80 = 500
    real = ct.real_benefits({2005: 1000.0}, price_year=2005, deflators=DEFLATORS, base_year=2024,
                            attribution=0.5, confidence=0.8)
    assert real.tolist() == [pytest.approx(500.0)]
    with pytest.raises(ValueError, match="attribution"):
        ct.real_benefits({2005: 1.0}, price_year=2005, deflators=DEFLATORS, base_year=2024, attribution=0.0)


# --------------------------------------------------------------------------- bootstrap


@pytest.mark.filterwarnings("ignore::evaluation.core.errors.DegenerateDataWarning")
def test_bootstrap_is_identical_for_the_same_seed_and_differs_for_another():
    lg = ledger()
    a = ct.bootstrap_costs(lg, ["a", "b"], resamples=300, seed=7)
    b = ct.bootstrap_costs(lg, ["a", "b"], resamples=300, seed=7)
    c = ct.bootstrap_costs(lg, ["a", "b"], resamples=300, seed=8)
    pd.testing.assert_frame_equal(a.draws, b.draws, check_exact=True)
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    assert not a.draws.equals(c.draws)
    assert (a.summary["seed"] == 7).all() and (a.summary["resamples"] == 300).all()


@pytest.mark.filterwarnings("ignore::evaluation.core.errors.DegenerateDataWarning")
def test_bootstrap_resamples_participants_with_cost_and_outcome_together():
    lg = ledger()
    boot = ct.bootstrap_costs(lg, ["a", "b"], resamples=400, seed=1)
    draws = boot.draws
    # only the measures into which an outcome measured with error enters are bootstrapped
    assert list(draws.columns) == ["cost_per_reliable_improver", "cash_cost_per_reliable_improver"]
    # C* = F + Σ c_i* with F never resampled: C*/improvers* ≥ (F + 4 × the cheapest participant) / 4
    cheapest = lg.participants["variable_cost"].min()
    assert (draws["cost_per_reliable_improver"].dropna() >= (lg.fixed_cost + 4 * cheapest) / 4 - 1e-9).all()
    # cash draws leave out each resampled participant's time: never above the economic draw
    defined = draws.dropna()
    assert len(defined) > 300
    assert (defined["cash_cost_per_reliable_improver"] <= defined["cost_per_reliable_improver"] + 1e-9).all()
    s = boot.summary.set_index("measure")
    # observed values, not bootstrap means: 19,620 / 2 and 19,000 / 2
    assert s.loc["cost_per_reliable_improver", "value"] == pytest.approx(9810.0)
    assert s.loc["cash_cost_per_reliable_improver", "value"] == pytest.approx(9500.0)


@pytest.mark.filterwarnings("ignore::evaluation.core.errors.DegenerateDataWarning")
def test_counted_money_has_no_interval_and_the_cost_per_reliable_improver_has_one():
    # ten participants with different attendance (so different costs), five of whom improved: a resample
    # without an improver is rare enough ((1/2)^10) for both limits to be finite
    people = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)], "role_level": "middle_manager",
                           "status": ["completed"] * 8 + ["withdrew"] * 2, "sessions_attended": [5, 4, 3] * 3 + [1]})
    lg = ct.cost_ledger(costs_table().iloc[:3], people, cohort=1, enrolled={1: 10}, deflators=DEFLATORS,
                        base_year=2024, staff=STAFF)
    improved = [f"p{i}" for i in range(5)]
    boot = ct.bootstrap_costs(lg, improved, resamples=500, seed=5)
    table = ct.cost_summary(lg, improved, bootstrap=boot).set_index("measure")
    with_interval = {"cost_per_reliable_improver", "cash_cost_per_reliable_improver"}
    assert set(ct.BOOTSTRAP_MEASURES) == with_interval
    for measure, row in table.iterrows():
        if measure in with_interval:
            assert row["ci_low"] < row["value"] < row["ci_high"], measure
        else:  # counted: totals, fixed, per place, per completer, another cohort, the counts
            assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"]), measure
    # a bootstrap that (wrongly) carried intervals for counted money would not put them in the table
    widened = boot.summary.assign(measure=["total_cost", "cost_per_reliable_improver"])
    forged = ct.BootstrapResult(boot.draws, widened, boot.resamples, boot.seed, boot.confidence_level)
    assert math.isnan(ct.cost_summary(lg, improved, bootstrap=forged).set_index("measure")
                      .loc["total_cost", "ci_low"])


def test_cash_interval_is_the_economic_interval_scaled_when_everyone_costs_the_same():
    # participants' time as cost rows (£100 each) and no derived time: every participant's variable cost
    # and time are the same, so C* = C and C_cash* = C_cash in every resample, and each cash draw is the
    # economic draw × C_cash / C. Percentiles commute with a positive scale, so the intervals scale too.
    rows = pd.concat([costs_table().iloc[:3], pd.DataFrame({
        "cohort": pd.array([1], dtype="Int64"), "category": ["participant_time"], "description": ["Time"],
        "amount": [100.0], "price_year": [2024], "basis": ["per_participant"]})], ignore_index=True)
    people = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)], "status": "completed"})
    lg = ct.cost_ledger(rows, people, cohort=1, enrolled={1: 10}, deflators=DEFLATORS, base_year=2024)
    improved = [f"p{i}" for i in range(5)]
    boot = ct.bootstrap_costs(lg, improved, resamples=400, seed=2).summary.set_index("measure")
    # one cohort of 10: F = 12,500 + design 12,000 = 24,500; C = 24,500 + (625 + 100) × 10 = 31,750;
    # C_cash = 31,750 − 1,000 = 30,750
    assert (lg.total_cost, lg.total_cost - lg.participant_time_cost) == (pytest.approx(31750.0),
                                                                         pytest.approx(30750.0))
    ratio = 30750 / 31750
    for limit in ("ci_low", "ci_high"):
        assert boot.loc["cash_cost_per_reliable_improver", limit] == pytest.approx(
            boot.loc["cost_per_reliable_improver", limit] * ratio, rel=1e-12)


def test_bootstrap_unbounded_limit_is_nan_with_warning():
    people = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)], "role_level": "middle_manager",
                           "status": "completed", "sessions_attended": 5})
    lg = ct.cost_ledger(costs_table().assign(cohort=pd.array([1, 1, None, 1], dtype="Int64")), people,
                        cohort=1, enrolled={1: 10}, deflators=DEFLATORS, base_year=2024, staff=STAFF)
    # one improver in ten: (9/10)^10 ≈ 35% of resamples have none → upper limit unbounded
    with pytest.warns(DegenerateDataWarning, match="unbounded"):
        boot = ct.bootstrap_costs(lg, ["p0"], resamples=500, seed=3)
    row = boot.summary.set_index("measure").loc["cost_per_reliable_improver"]
    assert row["undefined_draws"] > 100 and math.isnan(row["ci_high"]) and np.isfinite(row["ci_low"])
    assert not np.isinf(boot.draws.to_numpy(dtype=float)).any()


def test_bootstrap_bad_arguments():
    with pytest.raises(ValueError, match="`resamples`"):
        ct.bootstrap_costs(ledger(), resamples=10)
    with pytest.raises(ValueError, match="`seed`"):
        ct.bootstrap_costs(ledger(), seed=-1)
    with pytest.raises(ValueError, match="`confidence_level`"):
        ct.bootstrap_costs(ledger(), confidence_level=95)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("change, message", [
    (lambda c: c.assign(amount=pd.array([10000.0, -5.0, 6000.0, 20000.0], dtype="Float64")),
     r"`costs` column `amount` must hold numbers ≥ 0.*-5\.0"),
    (lambda c: c.assign(category=["delivery", "catering", "design", "delivery"]),
     r"`costs` column `category` has unknown value\(s\) 'catering'; allowed: \['needs_assessment'"),
    (lambda c: c.assign(basis=["fixed", "per_head", "fixed", "fixed"]),
     r"`costs` column `basis` has unknown value\(s\) 'per_head'; allowed: \['fixed', 'per_participant'\]"),
    (lambda c: c.assign(price_year=pd.array([2005, 1999, 2004, 2005], dtype="Int64")),
     r"`costs` column `price_year` has year\(s\) \[1999\] has no GDP deflator in `deflators`"),
    (lambda c: c.assign(cohort=pd.array([1, 1, None, 7], dtype="Int64")),
     r"`costs` column `cohort` has cost lines for cohort\(s\) \[7\], which have no enrolled participants"),
    (lambda c: c.drop(columns="basis"), r"`costs` lacks required column\(s\) \['basis'\]"),
])
def test_bad_cost_rows_are_clear_errors(change, message):
    with pytest.raises(ValueError, match=message):
        ledger(change(costs_table()))


def test_bad_ledger_arguments():
    with pytest.raises(ValueError, match="`base_year` 2030 has no GDP deflator"):
        ledger(base_year=2030)
    with pytest.raises(ValueError, match="`enrolled` gives cohort 1 5 participants"):
        ledger(enrolled={1: 5, 2: 8})
    with pytest.raises(ValueError, match="`deflators` column `index` must hold positive numbers"):
        ledger(deflators=DEFLATORS.assign(index=[50.0, 0.0, 100.0]))
    with pytest.raises(ValueError, match="`measure` must be one of"):
        ct.tornado(ledger(), measure="cost_per_hour")


# --------------------------------------------------------------------------- properties

ROLE = st.sampled_from(["middle_manager", "first_line_manager"])
CATEGORY = st.sampled_from(["needs_assessment", "design", "delivery", "venue", "materials", "travel",
                            "accreditation", "management", "evaluation", "other"])
LINE = st.fixed_dictionaries({
    "cohort": st.sampled_from([1, 2, None]),
    "category": CATEGORY,
    "description": st.sampled_from(["x", "y", "z"]),
    # amounts of money: no subnormal floats (halving 5e-324 gives 0, and a zero line is dropped)
    "amount": st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False),
    "price_year": st.sampled_from([2004, 2005, 2024]),
    "basis": st.sampled_from(["fixed", "per_participant"]),
})


@st.composite
def scenarios(draw):
    lines = draw(st.lists(LINE, min_size=1, max_size=8))
    n = draw(st.integers(min_value=2, max_value=12))
    people = pd.DataFrame({
        "participant_id": [f"p{i:02d}" for i in range(n)],
        "role_level": draw(st.lists(ROLE, min_size=n, max_size=n)),
        "status": draw(st.lists(st.sampled_from(["completed", "withdrew"]), min_size=n, max_size=n)),
        "sessions_attended": draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)),
    })
    improved = [pid for pid, flag in zip(people["participant_id"],
                                         draw(st.lists(st.booleans(), min_size=n, max_size=n)), strict=True) if flag]
    costs = pd.DataFrame(lines).assign(cohort=lambda d: pd.array(d["cohort"], dtype="Int64"))
    return costs, people, improved, {1: n, 2: 3}


def _results(costs, people, improved, enrolled, staff=STAFF):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        lg = ct.cost_ledger(costs, people, cohort=1, enrolled=enrolled, deflators=DEFLATORS, base_year=2024,
                            staff=staff)
        boot = ct.bootstrap_costs(lg, improved, resamples=100, seed=11)
        return {
            "summary": ct.cost_summary(lg, improved, bootstrap=boot),
            "by_category": ct.costs_by_category(lg),
            "curve": ct.cost_curve(lg),
            "tornado": ct.tornado(lg, improved),
        }


MONEY_COLUMNS = {"summary": ["value", "ci_low", "ci_high"], "by_category": ["amount"],
                 "curve": ["total_cost", "average_cost", "marginal_cost"],
                 "tornado": ["value_low", "value_high", "value_base", "swing"]}


@pytest.mark.slow  # a property test of many examples: `make test` runs it, the quick loop does not
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.sampled_from([0.5, 2.0, 3.0, 1000.0]))
def test_scaling_every_amount_by_k_scales_every_money_figure_by_k(scenario, k):
    costs, people, improved, enrolled = scenario
    staff_k = ct.StaffTime({r: c * k for r, c in STAFF.hourly_costs.items()}, STAFF.price_year, STAFF.sessions,
                           STAFF.hours_per_session)
    base = _results(costs, people, improved, enrolled)
    scaled = _results(costs.assign(amount=costs["amount"] * k), people, improved, enrolled, staff=staff_k)
    for name, columns in MONEY_COLUMNS.items():
        a, b = base[name], scaled[name]
        if name == "summary":
            money = a["unit"].str.startswith("GBP").to_numpy()
            counts = ~money
            # counts and rates are not money: unchanged
            np.testing.assert_array_equal(a.loc[counts, "value"], b.loc[counts, "value"])
            a, b = a[money], b[money]
        for column in columns:
            np.testing.assert_allclose(b[column].to_numpy(dtype=float), k * a[column].to_numpy(dtype=float),
                                       rtol=1e-9, atol=1e-6, err_msg=f"{name}.{column}")


@pytest.mark.slow  # a property test of many examples: `make test` runs it, the quick loop does not
@settings(max_examples=40, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(scenario, rnd):
    costs, people, improved, enrolled = scenario
    base = _results(costs, people, improved, enrolled)
    cost_order = list(range(len(costs)))
    people_order = list(range(len(people)))
    rnd.shuffle(cost_order)
    rnd.shuffle(people_order)
    shuffled = _results(costs.iloc[cost_order].reset_index(drop=True), people.iloc[people_order]
                        .reset_index(drop=True), list(reversed(improved)), enrolled)
    for name in MONEY_COLUMNS:
        pd.testing.assert_frame_equal(base[name], shuffled[name], check_exact=True)


@pytest.mark.slow  # a property test of many examples: `make test` runs it, the quick loop does not
@settings(max_examples=40, deadline=None)
@given(scenarios(), LINE)
def test_adding_a_zero_cost_line_changes_nothing(scenario, line):
    costs, people, improved, enrolled = scenario
    zero = pd.DataFrame([{**line, "amount": 0.0}]).assign(cohort=lambda d: pd.array(d["cohort"], dtype="Int64"))
    base = _results(costs, people, improved, enrolled)
    more = _results(pd.concat([costs, zero], ignore_index=True), people, improved, enrolled)
    for name in MONEY_COLUMNS:
        pd.testing.assert_frame_equal(base[name], more[name], check_exact=True)


def test_a_zero_line_that_makes_eight_terms_changes_no_last_digit():
    # the case hypothesis found for the property above: with the participant-time line, six
    # per-participant lines and a zero line make eight terms, where numpy's pairwise sum starts
    # to round differently; the ledger's totals are exactly rounded sums (ledger._money_sum)
    costs = pd.DataFrame({"cohort": pd.array([1] * 7, dtype="Int64"), "category": "needs_assessment",
                          "description": "x", "amount": [0.0, 0.0, 37448.0, 630010.0, 0.96, 1.0, 0.0],
                          "price_year": [2004, 2004, 2004, 2005, 2004, 2004, 2004],
                          "basis": ["fixed"] + ["per_participant"] * 6})
    people = pd.DataFrame({"participant_id": [f"p{i:02d}" for i in range(7)], "role_level": "middle_manager",
                           "status": "completed", "sessions_attended": 0})
    zero = costs.iloc[[1]].assign(basis="per_participant")
    base = _results(costs, people, [], {1: 7, 2: 3})
    more = _results(pd.concat([costs, zero], ignore_index=True), people, [], {1: 7, 2: 3})
    for name in MONEY_COLUMNS:
        pd.testing.assert_frame_equal(base[name], more[name], check_exact=True)


def test_inputs_are_not_modified():
    costs, people = costs_table(), cohort_one()
    before = (costs.copy(), people.copy())
    lg = ledger(costs, people)
    ct.cost_summary(lg, ["a"])
    pd.testing.assert_frame_equal(costs, before[0])
    pd.testing.assert_frame_equal(people, before[1])
