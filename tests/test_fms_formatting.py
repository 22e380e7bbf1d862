"""forcast.fms.formatting: display strings for table cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast.errors import ParameterError
from forcast.fms.formatting import MISSING, display_frame, format_frame, is_number_column


def test_default_formats_by_column():
    frame = pd.DataFrame({"whole": [168705.0, 1234.0], "part": [1.25, np.nan], "count": [3, 40000],
                          "inside": [True, False], "when": [pd.Timestamp("2018-09-30"), pd.Timestamp("2018-12-31 10:30")],
                          "text": ["a", None]})
    out = format_frame(frame, {})
    assert list(out["whole"]) == ["168,705", "1,234"]  # a float column of whole numbers shows no decimals
    assert list(out["part"]) == ["1.2", MISSING]  # one decimal (round half to even), missing as a dash
    assert list(out["count"]) == ["3", "40,000"]
    assert list(out["inside"]) == ["Yes", "No"]
    assert list(out["when"]) == ["2018-09-30", "2018-12-31 10:30:00"]
    assert list(out["text"]) == ["a", MISSING]


def test_user_patterns_apply_and_a_bad_one_names_the_column_and_value():
    frame = pd.DataFrame({"change": [0.5, -1.25]})
    assert list(format_frame(frame, {"change": "{:+.1f}%"})["change"]) == ["+0.5%", "-1.2%"]
    with pytest.raises(ParameterError, match=r"number_format\['change'\] = '\{:d\}' cannot format the value 0\.5"):
        format_frame(frame, {"change": "{:d}"})


def test_display_frame_moves_a_named_index_into_columns_and_joins_column_levels():
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("95%", "lower"), ("95%", "upper")]),
                         index=pd.Index(["2018/19"], name="financial year"))
    out = display_frame(frame)
    assert list(out.columns) == ["financial year", "95% lower", "95% upper"]
    assert frame.index.name == "financial year"  # the caller's frame is not changed
    with pytest.raises(ParameterError, match="at least one column"):
        display_frame(pd.DataFrame(index=[0]))


def test_booleans_are_not_number_columns():
    assert is_number_column(pd.Series([1.5])) and not is_number_column(pd.Series([True]))
