"""The FMS document model: blocks, tables' display strings, numbering, validation (forcast.fms.document)."""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forcast.errors import ParameterError  # noqa: E402
from forcast.fms.document import (  # noqa: E402
    FORMATS,
    BulletList,
    Chapter,
    Figure,
    Paragraph,
    Section,
    Table,
    clean_text,
)


@pytest.fixture(scope="module")
def mpl_figure():
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([1, 2, 3])
    yield fig
    plt.close(fig)


def fy_frame():
    return pd.DataFrame(
        {
            "financial_year": ["2022/23", "2023/24"],
            "mean": [168704.6, 1234.4],
            "pct_change": [1.234, -0.05],
            "observed_part": [12, 168705],
        }
    )


# --- Table -----------------------------------------------------------------------------------------------
def test_formatted_uses_number_format_and_thousands_separators():
    table = Table(fy_frame(), "Totals", {"mean": "{:,.0f}", "pct_change": "{:+.1f}%"})
    shown = table.formatted()
    assert list(shown.columns) == list(fy_frame().columns)
    assert shown.to_dict("list") == {
        "financial_year": ["2022/23", "2023/24"],
        "mean": ["168,705", "1,234"],
        "pct_change": ["+1.2%", "-0.1%"],
        "observed_part": ["12", "168,705"],
    }


def test_default_formats_by_kind():
    frame = pd.DataFrame(
        {
            "whole_floats": [1000.0, 2000000.0],
            "rate": [12.34, 5.0],
            "inside_80": [True, False],
            "missing": [np.nan, 3.0],
            "nullable": pd.array([pd.NA, 1500], dtype="Int64"),
            "date": pd.to_datetime(["2024-04-01", "2024-05-01"]),
            "period": pd.period_range("2024-04", periods=2, freq="M"),
        }
    )
    assert Table(frame, "Kinds").formatted().to_dict("list") == {
        "whole_floats": ["1,000", "2,000,000"],
        "rate": ["12.3", "5.0"],
        "inside_80": ["Yes", "No"],
        "missing": ["–", "3"],
        "nullable": ["–", "1,500"],
        "date": ["2024-04-01", "2024-05-01"],
        "period": ["2024-04", "2024-05"],
    }


def test_every_formatted_cell_is_a_string():
    shown = Table(fy_frame(), "Totals").formatted()
    assert all(isinstance(v, str) for v in shown.to_numpy().ravel())


def test_named_index_becomes_a_column_unnamed_index_is_dropped():
    named = Table(fy_frame().set_index("financial_year"), "Totals")
    assert list(named.frame.columns) == ["financial_year", "mean", "pct_change", "observed_part"]
    unnamed = Table(fy_frame().set_index(pd.Index([10, 20])), "Totals")
    assert list(unnamed.frame.columns) == ["financial_year", "mean", "pct_change", "observed_part"]
    assert list(unnamed.frame.index) == [0, 1]


def test_multilevel_columns_are_joined():
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("80%", "lower"), ("80%", "upper")]))
    assert list(Table(frame, "Intervals").formatted().columns) == ["80% lower", "80% upper"]


def test_table_copies_the_frame():
    frame = fy_frame()
    table = Table(frame, "Totals")
    frame.loc[0, "observed_part"] = 999999
    assert table.frame.loc[0, "observed_part"] == 12
    assert table.formatted().loc[0, "observed_part"] == "12"


def test_numeric_columns_exclude_text_and_booleans():
    frame = fy_frame().assign(inside_80=[True, False])
    assert Table(frame, "T").numeric_columns() == ("mean", "pct_change", "observed_part")


def test_number_format_for_unknown_column_is_refused():
    message = r"number_format names 1 column\(s\) the table does not have: \['average'\]"
    with pytest.raises(ParameterError, match=message):
        Table(fy_frame(), "Totals", {"average": "{:,.0f}"})


def test_number_format_that_cannot_format_is_refused():
    with pytest.raises(ParameterError, match=r"number_format\['financial_year'\] = '\{:,\.0f\}' cannot format"):
        Table(fy_frame(), "Totals", {"financial_year": "{:,.0f}"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"frame": [1, 2]}, "Table frame must be a pandas DataFrame. Got list"),
        ({"caption": None}, "Table caption must be a str. Got NoneType"),
        ({"key": "../fy"}, "Table key must start with a letter or digit"),
        ({"key": "fy table"}, "Got 'fy table'. Use a name such as 'fy_forecast'"),
        ({"frame": pd.DataFrame(index=[0, 1])}, "A Table needs at least one column"),
    ],
)
def test_table_validation(kwargs, message):
    arguments = {"frame": fy_frame(), "caption": "Totals", **kwargs}
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(".", r"\.")):
        Table(**arguments)


# --- other blocks ----------------------------------------------------------------------------------------
def test_blocks_are_immutable(mpl_figure):
    blocks = [Paragraph("x"), BulletList(["a"]), Table(fy_frame(), "T"), Figure(mpl_figure, "F", "f.png")]
    for block in blocks:
        with pytest.raises(dataclasses.FrozenInstanceError):
            block.caption = "changed"  # type: ignore[misc]
    assert BulletList(["a", "b"]).items == ("a", "b")


@pytest.mark.parametrize("filename", ["../fan.png", "fan.jpg", "fan", "sub/fan.png", ".png"])
def test_figure_filename_must_be_a_plain_png_name(mpl_figure, filename):
    with pytest.raises(ParameterError, match="Figure filename must start with a letter or digit.*end in .png"):
        Figure(mpl_figure, "Fan chart", filename)


def test_figure_needs_a_matplotlib_figure(mpl_figure):
    with pytest.raises(ParameterError, match="Pass the figure \\(e.g. ax.figure\\), not the axes"):
        Figure(mpl_figure.axes[0], "Fan chart", "fan.png")


def test_figure_png_bytes(mpl_figure):
    assert Figure(mpl_figure, "Fan chart", "fan.png").png_bytes(dpi=30).startswith(b"\x89PNG")


def test_paragraph_and_bullets_need_text():
    with pytest.raises(ParameterError, match="Paragraph text must be a str. Got int"):
        Paragraph(3)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="Wrap a single item in a list"):
        BulletList("one item")  # type: ignore[arg-type]
    message = r"BulletList items hold 1 item\(s\) of the wrong type \(1: NoneType\); each must be a str\."
    with pytest.raises(ParameterError, match=message):
        BulletList(["ok", None])  # type: ignore[list-item]


def test_section_rejects_non_blocks():
    blocks = r"section 'Outlook' hold 1 item\(s\) of the wrong type \(1: str\); each must be one of Paragraph, Bullet"
    with pytest.raises(ParameterError, match=blocks + r"List, Table, Figure\. Wrap text in Paragraph\('\.\.\.'\)\."):
        Section("Outlook", [Paragraph("a"), "plain text"])  # type: ignore[list-item]
    with pytest.raises(ParameterError, match="must be a list. Got Paragraph. Wrap a single block in a list"):
        Section("Outlook", Paragraph("a"))  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="Section key must start"):
        Section("Outlook", [], key="has space")


def test_clean_text_drops_control_characters():
    assert clean_text("a\x00b\x0bc\r\nd\te") == "abc\nd\te"


# --- Chapter ---------------------------------------------------------------------------------------------
def test_chapter_numbering_tables_and_keys(mpl_figure):
    first, second = Table(fy_frame(), "A"), Table(fy_frame(), "B", key="monthly")
    third = Table(fy_frame(), "C")
    fig = Figure(mpl_figure, "Fan", "fan.png")
    chapter = Chapter(
        "Demand",
        [Section("One", [Paragraph("p"), first, fig]), Section("Two", [second, BulletList(["x"]), third])],
    )
    assert chapter.tables() == [first, second, third]
    assert chapter.figures() == [fig]
    assert chapter.tables_by_key() == {"table_1": first, "monthly": second, "table_3": third}
    labels = [[label for _, label in blocks] for _, blocks in chapter.labelled_blocks()]
    assert labels == [[None, "Table 1", "Figure 1"], ["Table 2", None, "Table 3"]]


def test_chapter_refuses_duplicate_keys_and_filenames(mpl_figure):
    with pytest.raises(ParameterError, match=r"Each table key must be unique.*\['fy'\].*`key`"):
        Chapter("D", [Section("S", [Table(fy_frame(), "A", key="fy"), Table(fy_frame(), "B", key="fy")])])
    with pytest.raises(ParameterError, match=r"\['table_1'\]"):
        Chapter("D", [Section("S", [Table(fy_frame(), "A"), Table(fy_frame(), "B", key="table_1")])])
    twice = [Figure(mpl_figure, "A", "fan.png"), Figure(mpl_figure, "B", "fan.png")]
    with pytest.raises(ParameterError, match=r"Each figure file name must be unique.*\['fan.png'\]"):
        Chapter("D", [Section("S", twice)])


def test_chapter_validation_and_metadata():
    with pytest.raises(ParameterError, match="Wrap a single section in a list"):
        Chapter("D", Section("S", []))  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="Chapter subtitle must be a str"):
        Chapter("D", [], subtitle=3)  # type: ignore[arg-type]
    metadata = {"Force": "Kent", "Data to": None}
    chapter = Chapter("D", [], metadata=metadata)
    metadata["Force"] = "Essex"
    assert chapter.metadata_items() == [("Force", "Kent"), ("Data to", "")]
    with pytest.raises(TypeError):
        chapter.metadata["Force"] = "Essex"  # type: ignore[index]


@pytest.mark.parametrize("formats", [("md", "pdf"), "pdf", (), ["MD"]])
def test_unknown_format_names_the_allowed_ones_and_writes_nothing(tmp_path, formats):
    chapter = Chapter("D", [Section("S", [Table(fy_frame(), "A")])])
    with pytest.raises(ParameterError, match=r"`formats` must name one or more of 'md', 'html', 'docx'\. Got"):
        chapter.write(tmp_path / "out", formats=formats)
    assert not (tmp_path / "out").exists()
    assert FORMATS == ("md", "html", "docx")
