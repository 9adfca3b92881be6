"""Tables for people (issue 11, item 4): each formatting rule, the input left alone, escaping."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from evaluation.core.paths import PARAMS_DIR
from evaluation.data.params import load_instrument
from evaluation.publish.publisher import Publisher
from evaluation.reports.display import MISSING, format_table, format_value, table_html


def cell(frame: pd.DataFrame, column: str, **options) -> str:
    """The one formatted cell of a one-row table."""
    shown = format_table(frame, columns=[column], **options)
    return shown.iloc[0, 0]


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("eligible", 62380.0, "62,380"),  # headcounts are whole numbers with separators, never 62380.00
    ("n_pairs", 85.0, "85"),
    ("participants", 1234567, "1,234,567"),
    ("share_participants", 0.2391, "23.9%"),  # shares as percentages, never 0.24
    ("completion_rate", 1.0, "100.0%"),
    ("rci_improved", 0.0, "0.0%"),
    ("cost_per_completer", 15029.37, "£15,029"),  # £ with thousands separators
    ("total_cost", 552587.223828, "£552,587"),  # the cost curve's 5.525872e+05
    ("marginal_cost", 74.074, "£74.07"),
    ("p_value", 0.0000312, "< 0.001"),
    ("p_adjusted", 0.001, "0.001"),
    ("wilcoxon_p", 0.04, "0.040"),
    ("price_year", 2004, "2004"),  # years without a separator
    ("cohort", 2, "2"),
    ("mean_change", -0.0612, "−0.06"),  # a minus sign, not a hyphen
    ("mean_change", -0.001, "0.00"),  # no negative zero
    ("statistic", 1.5e7, "15,000,000.00"),  # no e-notation, ever
    ("statistic", 3e-7, "0.00"),
])
def test_each_kind_of_column_is_formatted_for_reading(column, value, expected):
    assert cell(pd.DataFrame({column: [value]}), column) == expected


def test_pounds_are_whole_pounds_even_under_100_and_headed_as_money():
    # the tornado table's swing of £10.13 beside whole-pound figures: "pounds" never shows pence
    frame = pd.DataFrame({"swing": [10.13, 2614.6, -60.14, 0.4]})
    shown = format_table(frame, formats={"swing": "pounds"}, price_base_year=2024)
    assert shown.columns.tolist() == ["Swing (£)"]
    assert shown["Swing (£)"].tolist() == ["£10", "£2,615", "−£60", "£0"]
    assert format_table(frame, formats={"swing": "money"})["Swing"].tolist()[0] == "£10.13"  # money keeps pence


@pytest.mark.parametrize("missing", [np.nan, None, pd.NA, "", "–", "<NA>", "nan"])
def test_missing_values_are_a_dash_never_nan_or_na(missing):
    frame = pd.DataFrame({"mean_change": pd.array([missing, 0.5], dtype=object),
                          "n": pd.array([None, 3], dtype="Int64"), "band": [missing, "within"]})
    shown = format_table(frame)
    assert shown.iloc[0].tolist() == [MISSING, MISSING, MISSING]
    assert not shown.apply(lambda c: c.astype(str).str.contains("nan|<NA>|None")).any().any()


def test_an_interval_is_one_column_low_to_high_formatted_like_its_estimate():
    frame = pd.DataFrame({"completion_rate": [0.9], "ci_low": [0.81], "ci_high": [0.95],
                          "d_z": [0.6], "d_z_ci_low": [0.37], "d_z_ci_high": [0.83],
                          "cost_per_reliable_improver": [89236.0], "cost_per_reliable_improver_ci_low": [61802.1],
                          "cost_per_reliable_improver_ci_high": [np.nan]})
    shown = format_table(frame, confidence_level=0.9)
    # "economic", as beside "Cash cost per place" in the cost tables (participants' time included)
    assert shown.columns.tolist() == ["Completed", "90% CI", "d_z", "d_z 90% CI", "Economic cost per reliable improver",
                                      "Economic cost per reliable improver: 90% CI"]
    assert shown.iloc[0].tolist() == ["90.0%", "81.0% to 95.0%", "0.60", "0.37 to 0.83", "£89,236",
                                      f"£61,802 to {MISSING}"]
    both_missing = frame.assign(ci_low=np.nan, ci_high=np.nan)
    assert format_table(both_missing).iloc[0, 1] == MISSING


@pytest.mark.parametrize(("column", "code", "expected"), [
    ("comparison", "pre_post", "Before → after"),
    ("comparison", "pre_follow_up", "Before → follow-up"),
    ("comparison", "then_post", "Then-test → after"),
    ("rater", "self", "Self-rating"),
    ("rater", "line_manager", "Line manager"),
    ("term", "wave[post]", "After vs before"),
    ("term", "wave[follow_up]", "Follow-up vs before"),
    ("wave", "follow_up", "Follow-up"),
    # one word for both: the two labels apart told which withheld cell was the small one
    ("suppressed", "primary", "Withheld"), ("suppressed", "secondary", "Withheld"),
    ("suppressed", "", ""),
    ("band", "inconclusive", "Inconclusive"),
    ("stage", "completed_programme", "Completed the programme"),
    ("method", "monte_carlo", "Monte Carlo multinomial test"),
    ("undeclared_categories", "not_declared, prefer_not_to_say", "Not declared, prefer not to say"),
])
def test_codes_are_shown_in_plain_words(column, code, expected):
    assert cell(pd.DataFrame({column: [code]}), column) == expected


def test_warning_class_names_become_sentences():
    notes = pd.DataFrame({"source": ["mixed_model"], "warning": ["DegenerateDataWarning"], "message": ["x"]})
    shown = format_table(notes)
    assert shown.columns.tolist() == ["Source", "Note", "Detail"]
    assert shown.iloc[0].tolist() == ["Mixed model", "Not computed: too few people or no variation", "x"]
    assert "Warning" not in " ".join(shown.iloc[0])


def test_codes_quoted_in_sentences_are_words_too():
    flow = pd.DataFrame({"definition": ["has a score at both 'pre' and 'post' for scale 'lc', rater 'self'"]})
    assert cell(flow, "definition", titles={"lc": "Leading change"}) == (
        "has a score at both 'before' and 'after' for scale 'Leading change', rater 'self-rating'")


def test_equity_categories_read_by_their_dimension():
    frame = pd.DataFrame({"dimension": ["local_authority", "local_authority", "age_band", "role_level"],
                          "category": ["na_h_eileanan_siar", "national", "16_24", "first_line_manager"]})
    shown = format_table(frame)
    assert shown["Characteristic"].tolist() == ["Council area", "Council area", "Age band", "Role level"]
    assert shown["Category"].tolist() == ["Na h-Eileanan Siar", "National", "16-24", "First-line manager"]


def test_headers_are_plain_words_and_scales_go_by_their_instrument_titles():
    instrument = load_instrument(PARAMS_DIR, "leadership-practice")
    titles = {code: scale.title for code, scale in instrument.scales.items()}
    frame = pd.DataFrame({"scale": list(titles), "n_pairs": [80.0] * len(titles), "p_adjusted": [0.5] * len(titles)})
    shown = format_table(frame, titles=titles)
    assert shown.columns.tolist() == ["Scale", "People with both scores", "p-value (adjusted)"]
    assert shown["Scale"].tolist() == list(titles.values())
    assert not any("_" in h for h in shown.columns)


def test_the_input_is_never_changed():
    frame = pd.DataFrame({"scale": ["lc"], "comparison": ["pre_post"], "n": pd.array([62380], dtype="Int64"),
                          "mean_change": [0.3312], "ci_low": [0.1], "ci_high": [0.5], "unit": ["GBP (2024 prices)"],
                          "value": [1.5]})
    before = frame.copy(deep=True)
    format_table(frame, titles={"lc": "Leading change"}, price_base_year=2024)
    table_html(frame, rows=[True], name="x", max_rows=1, caption="c")
    pd.testing.assert_frame_equal(frame, before)


def test_the_published_csv_stays_numeric(tmp_path):
    frame = pd.DataFrame({"participants": [1.0, 2.0], "total_cost": [552587.223828, 561084.19]})
    Publisher(tmp_path, notebook="t").table("cost_curve", frame, display=False)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "tables" / "cost_curve.csv"), frame)


def test_a_row_that_names_its_unit_is_formatted_by_it():
    summary = pd.DataFrame({"measure": ["cost_per_enrolled", "completion_rate", "enrolled"],
                            "value": [13729.4, 0.9134, 104.0], "ci_low": [13577.0, np.nan, np.nan],
                            "ci_high": [13867.2, np.nan, np.nan],
                            "unit": ["GBP (2024 prices)", "share of enrolled", "participants"]})
    shown = format_table(summary, confidence_level=0.95)
    assert shown["Value"].tolist() == ["£13,729", "91.3%", "104"]
    assert shown["95% CI"].tolist() == ["£13,577 to £13,867", MISSING, MISSING]
    # named as the summaries name it: a place, and economic (participants' time included)
    assert shown["Measure"].tolist() == ["Economic cost per place", "Completion rate", "Enrolled"]


def test_a_long_table_shows_chosen_or_top_rows_and_names_its_csv():
    curve = pd.DataFrame({"participants": np.arange(1, 313), "total_cost": 544090.0 + 8497.0 * np.arange(1, 313)})
    chosen = table_html(curve, rows=curve["participants"].isin([1, 104, 312]), name="cost_curve", price_base_year=2024)
    assert chosen.count("<tr") == 4  # the heading and three rows
    assert "3 of 312 rows shown; full table: <a href=\"tables/cost_curve.csv\">tables/cost_curve.csv</a>" in chosen
    assert "Money in £, 2024 prices" in chosen and "Total cost (£)" in chosen
    assert not re.search(r"\d\.\d+e[+-]\d", chosen)
    top = table_html(curve, max_rows=10, name="cost_curve")
    assert top.count("<tr") == 11 and "10 of 312 rows shown" in top
    assert "rows shown" not in table_html(curve.head(5), max_rows=10)
    none = table_html(curve, rows=[False] * len(curve), name="cost_curve")
    assert "<table" not in none and "None of the table's 312 rows is shown here; full table: " in none


def test_text_from_data_is_escaped():
    frame = pd.DataFrame({"dimension": ["ethnicity"], "category": ["<script>alert(1)</script>"],
                          "description": ["<img src=x onerror=alert(1)>"]})
    out = table_html(frame, caption="<b>caption</b>", name="<x>")
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out and "&lt;b&gt;caption&lt;/b&gt;" in out


def test_an_unknown_kind_of_request_fails_with_the_column_named():
    with pytest.raises(KeyError, match="n_pairs"):
        format_table(pd.DataFrame({"n": [1]}), columns=["n_pairs"])


def test_format_value_of_a_boolean_and_a_string():
    assert format_value(True, "number") == "yes"
    assert format_value("×0.8", "number") == "×0.8"


def test_a_row_that_still_shows_a_figure_is_partly_withheld():
    # the programme page showed "Local authority, 0.35, clear improvement, Withheld": the row's
    # participants were withheld, its change was not, and "Withheld" beside a mean read as a contradiction
    t = pd.DataFrame({"dimension": ["sector"] * 3, "category": ["health", "voluntary", "local_authority"],
                      "n_pairs": [None, None, 30.0], "mean_change": [None, 0.3, 0.2],
                      "change_ci_low": [None, 0.1, 0.0], "change_ci_high": [None, 0.5, 0.4],
                      "verdict": [None, "clear improvement", "unclear"], "suppressed": ["withheld", "withheld", ""]})
    shown = format_table(t, confidence_level=0.95)
    assert shown["Disclosure control"].tolist() == ["Withheld", "Partly withheld", ""]
    # a row whose only figure is an interval is partly withheld too; text alone (a verdict) is not a figure
    t.loc[1, "mean_change"] = None
    assert format_table(t, confidence_level=0.95)["Disclosure control"].tolist()[1] == "Partly withheld"
    t.loc[1, ["change_ci_low", "change_ci_high"]] = None
    assert format_table(t, confidence_level=0.95)["Disclosure control"].tolist()[1] == "Withheld"
