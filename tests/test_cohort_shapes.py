"""Valid but unusually shaped cohorts: no line-manager ratings, two waves only, no withdrawals,
a scale nobody answered at the end. Each test holds a defect found by building such a cohort."""

import pandas as pd

from evaluation.core.text import spreadsheet_safe


def test_spreadsheet_safe_takes_a_categorical_column_of_one_category():
    # a cohort with no line-manager ratings: the reaction table's rater column is a categorical
    # whose only category is "self"; it crashed the report (Categorical has no `any`)
    table = pd.DataFrame({"scale": pd.Categorical(["reaction"]), "rater": pd.Categorical(["self"]),
                          "n": [88]})
    assert spreadsheet_safe(table).to_dict("list") == {"scale": ["reaction"], "rater": ["self"], "n": [88]}


def test_spreadsheet_safe_quotes_a_formula_in_a_categorical_column():
    table = pd.DataFrame({"category": pd.Categorical(["=1+1", "fife"])})
    assert spreadsheet_safe(table)["category"].tolist() == ["'=1+1", "fife"]
