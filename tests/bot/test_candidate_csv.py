"""bot/candidate_csv: CSV files as spreadsheets and ATS exports write them, their headers, ratings, dates and rows."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from bot.candidate_csv.columns import Field, HeaderError, match_header
from bot.candidate_csv.rows import DateStyle, ImportRow, RowError, date_style, read_row
from bot.candidate_csv.table import CsvError, Record, read_table
from bot.candidate_csv.values import DateOrder, instant, rating
from bot.fields import FieldError
from models.ats_rules import AtsRules

NOW = datetime(2026, 1, 12, 9, tzinfo=UTC)
RULES = AtsRules()


def records(data: bytes) -> tuple[list[str], str, list[Record]]:
    with read_table(io.BytesIO(data)) as table:
        return table.header, table.delimiter, list(table.records)


# --- The file -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"Name,Role\r\nJos\xc3\xa9 Garc\xc3\xada,Designer\r\n", ","),
        (b"\xef\xbb\xbfName;Role\nJos\xc3\xa9 Garc\xc3\xada;Designer\n", ";"),
        ("Name\tRole\r\nJosé García\tDesigner\r\n".encode("utf-16"), "\t"),
        (b"Name,Role\rJos\xc3\xa9 Garc\xc3\xada,Designer\r", ","),
    ],
    ids=["utf-8 crlf", "bom semicolons", "utf-16 tabs", "old mac cr"],
)
def test_encodings_separators_and_line_endings(data: bytes, delimiter: str) -> None:
    header, found, rows = records(data)
    assert (header, found) == (["Name", "Role"], delimiter)
    assert [(r.line, r.values) for r in rows] == [(2, ["José García", "Designer"])]


def test_a_separator_inside_quotes_does_not_count_when_sniffing() -> None:
    _, delimiter, rows = records(b'"Name; or alias";"Role, title"\n"Doe, Jane";Designer\n')
    assert delimiter == ";"
    assert rows[0].values == ["Doe, Jane", "Designer"]


def test_quoted_line_breaks_keep_line_numbers_and_spreadsheet_rows_apart() -> None:
    _, _, rows = records(b'Name,Note\nAda,"two\nlines"\nBen,one\n\n,\n  ,  \n')
    assert [(r.line, r.row, r.last_line, r.values) for r in rows] == [
        (2, 2, 3, ["Ada", "two\nlines"]),
        (4, 3, 4, ["Ben", "one"]),
    ]
    assert rows[1].where == "line 4 (row 3 in a spreadsheet)"
    assert rows[0].where == "line 2"


def test_a_line_that_is_not_utf8_is_named() -> None:
    with pytest.raises(CsvError, match=r"Line 3 is not UTF-8 text \(byte 0xE9 at character 4\)"):
        records(b"Name,Role\nAda,Designer\nJos\xe9,Designer\n")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(CsvError, match="The file is empty"):
        records(b"\r\n\r\n")


def test_the_source_stays_open_to_be_read_again() -> None:
    source = io.BytesIO(b"Name,Role\nAda,Designer\n")
    for _ in range(2):
        source.seek(0)
        with read_table(source) as table:
            assert len(list(table.records)) == 1
    assert not source.closed


# --- The header -----------------------------------------------------------------------------------------------------


def test_ats_and_spreadsheet_column_names_are_understood() -> None:
    columns = match_header(
        [
            *("Candidate ID", "First_Name", "LAST NAME", "Candidate Email", "Job", "Current Interview Stage"),
            *(
                "Overall Recommendation",
                "Tags",
                "Rejection Reason",
                "Recruiter",
                "Rejected On",
                "Notes",
                "Social Media",
            ),
        ]
    )
    assert columns.index == {
        Field.FIRST_NAME: 1,
        Field.LAST_NAME: 2,
        Field.EMAIL: 3,
        Field.ROLE: 4,
        Field.STAGE: 5,
        Field.RATING: 6,
        Field.TAGS: 7,
        Field.REASON: 8,
        Field.RECRUITER: 9,
        Field.REJECTED_AT: 10,
        Field.NOTE: 11,
        Field.LINKS: 12,
    }
    assert columns.ignored == ["Candidate ID"]


def test_title_is_not_the_role() -> None:
    with pytest.raises(HeaderError) as refused:
        match_header(["Name", "Title", "Company"])
    assert refused.value.problems == [
        "The header has no column for the role the candidate was rejected for: call it “Role” (or “Job”, “Job "
        "Title”, “Position”). Columns found: “Name”, “Title”, “Company”."
    ]


def test_a_header_without_a_name_or_with_a_field_twice_is_refused_with_every_problem() -> None:
    with pytest.raises(HeaderError) as refused:
        match_header(["Email", "Role", "E-mail address"])
    assert refused.value.problems == [
        "Columns 1 (“Email”) and 3 (“E-mail address”) both hold the email: keep one, or rename the other.",
        "The header has no column for the candidate's name: call it “Name” (or use “First Name” and “Last Name”). "
        "Columns found: “Email”, “Role”, “E-mail address”.",
    ]


# --- Values ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stars"),
    [
        *[("5", 5), ("04", 4), ("3.0", 3), ("2/5", 2), ("Strong Yes", 5), ("yes", 4), ("Mixed", 3), ("neutral", 3)],
        *[
            ("No", 2),
            ("strong_no", 1),
            ("Definitely Not", 1),
            ("Strong Hire", 5),
            ("No Hire", 2),
            ("No Decision", None),
        ],
    ],
)
def test_ratings_and_scorecard_words(written: str, stars: int | None) -> None:
    assert rating(written) == stars


@pytest.mark.parametrize("written", ["0", "6", "4.5", "great", "yes!"])
def test_other_ratings_are_refused(written: str) -> None:
    with pytest.raises(FieldError, match="is not a rating"):
        rating(written)


@pytest.mark.parametrize(
    ("written", "order", "meant"),
    [
        ("2024-03-05", DateOrder.DAY_FIRST, datetime(2024, 3, 5, 12, tzinfo=UTC)),
        ("2024-03-05T14:30:00+01:00", DateOrder.DAY_FIRST, datetime(2024, 3, 5, 13, 30, tzinfo=UTC)),
        ("2024-03-05 14:30", DateOrder.DAY_FIRST, datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("2024/03/05", DateOrder.DAY_FIRST, datetime(2024, 3, 5, 12, tzinfo=UTC)),
        ("05.03.2024", DateOrder.MONTH_FIRST, datetime(2024, 3, 5, 12, tzinfo=UTC)),
        ("5 Mar 2024", DateOrder.MONTH_FIRST, datetime(2024, 3, 5, 12, tzinfo=UTC)),
        ("March 5, 2024", DateOrder.DAY_FIRST, datetime(2024, 3, 5, 12, tzinfo=UTC)),
        ("03/05/2024", DateOrder.MONTH_FIRST, datetime(2024, 3, 5, 12, tzinfo=UTC)),
        ("03/05/2024", DateOrder.DAY_FIRST, datetime(2024, 5, 3, 12, tzinfo=UTC)),
        ("3/5/24 2:30 PM", DateOrder.MONTH_FIRST, datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
    ],
)
def test_dates(written: str, order: DateOrder, meant: datetime) -> None:
    assert instant(written, order) == meant


def test_a_files_first_unambiguous_date_decides_how_it_writes_dates() -> None:
    data = b"Name,Role,Rejected On\nA,R,03/04/2024\nB,R,\nC,R,25/03/2024\nD,R,03/26/2024\n"
    with read_table(io.BytesIO(data)) as table:
        columns = match_header(table.header)
        style = date_style(table.records, columns)
    assert style == DateStyle(DateOrder.DAY_FIRST, "line 4: “25/03/2024”")
    with read_table(io.BytesIO(data)) as table:
        rows = list(table.records)
    with pytest.raises(RowError) as refused:
        read_row(rows[3], columns, rules=RULES, dates=style, now=NOW)
    assert str(refused.value) == (
        "line 5: Date “03/26/2024” is month first, but this file's dates are day first (line 4: “25/03/2024”); "
        "write every date the same way (2024-03-25 is never ambiguous)."
    )


# --- Rows -----------------------------------------------------------------------------------------------------------


def one_row(header: list[str], values: list[str], *, line: int = 2) -> ImportRow:
    record = Record(line=line, row=line, last_line=line, values=values)
    return read_row(record, match_header(header), rules=RULES, dates=DateStyle(), now=NOW)


def test_a_greenhouse_style_row() -> None:
    row = one_row(
        [
            *("First Name", "Last Name", "Email", "Job", "Current Stage", "Overall Recommendation", "Tags"),
            *("Rejection Reason", "Recruiter", "Rejected On", "Social Media"),
        ],
        [
            *("  Zoë ", "Müller", "Zoe@Example.COM, zoe.m@old.example", "Senior Backend Engineer", "Onsite Interview"),
            *("Strong Yes", "python; Go | postgres", "Hired someone else", "ana@acme.example", "2025-11-03"),
            "https://github.com/zoe https://www.linkedin.com/in/zoe-muller/",
        ],
    )
    entry = row.entry
    assert (entry.name, entry.email, entry.role, entry.stage, entry.rating) == (
        "Zoë Müller",
        "zoe@example.com",
        "Senior Backend Engineer",
        "final",
        5,
    )
    assert entry.tags == ("python", "go", "postgres")
    assert entry.linkedin == "https://www.linkedin.com/in/zoe-muller"
    assert (row.reason, row.recruiter, row.rejected_at) == (
        "Hired someone else",
        "ana@acme.example",
        datetime(2025, 11, 3, 12, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("stage", "mapped"),
    [
        ("Phone Screen", "screen"),
        ("Final", "final"),
        ("SCREEN", "screen"),
        ("Team Interview", "interview"),
        ("", "interview"),
    ],
)
def test_stages_are_mapped_as_ats_webhooks_map_them(stage: str, mapped: str) -> None:
    assert one_row(["Name", "Role", "Stage"], ["Ada", "Designer", stage]).entry.stage == mapped


def test_every_problem_of_a_row_is_said_on_one_line() -> None:
    with pytest.raises(RowError) as refused:
        one_row(
            ["Name", "Email", "Role", "Rating", "Date"],
            ["Ada", "ada@", "", "great", "2030-01-01", "extra"],
            line=7,
        )
    assert str(refused.value) == (
        "line 7: The row has 6 values but the header has 5 columns; a value holding the separator must be in double "
        "quotes. Email “ada@” is not a valid address; use the form name@example.com. Role is missing; give the job "
        "title the candidate applied for. Rating “great” is not a rating; use a whole number from 1 to 5, or a "
        "scorecard's word: Strong Yes, Yes, Mixed, No, Strong No. Date “2030-01-01” is in the future; give the day "
        "the candidate was rejected."
    )


def test_a_bad_row_running_over_lines_asks_about_an_open_quote() -> None:
    record = Record(line=4, row=4, last_line=40, values=["Ada", ""])
    with pytest.raises(RowError, match=r"\(this row runs on to line 40: is a double quote left open\?\)$"):
        read_row(record, match_header(["Name", "Role"]), rules=RULES, dates=DateStyle(), now=NOW)


def test_a_row_without_date_or_recruiter_says_so_with_none() -> None:
    row = one_row(["Name", "Role", "Recruiter", "Rejected At"], ["Ada", "Designer", " ", ""])
    assert (row.recruiter, row.rejected_at) == (None, None)


@pytest.mark.parametrize("header", ["Consent", "Consent Date", "consented_at", "Candidate Consent Date"])
def test_a_consent_column_carries_the_day_they_agreed(header: str) -> None:
    assert match_header(["Name", "Role", header]).index[Field.CONSENT] == 2
    row = one_row(["Name", "Role", header], ["Priya Raman", "Engineer", "2025-11-02"])
    assert row.entry.consent == datetime(2025, 11, 2, 12, tzinfo=UTC)
    assert one_row(["Name", "Role", header], ["Priya Raman", "Engineer", ""]).entry.consent is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("yes", "line 2: Consent date “yes” is not a date; write it as 2026-11-02."),
        ("2027-01-01", "line 2: Consent date “2027-01-01” is in the future; give the day the candidate agreed."),
    ],
)
def test_a_consent_cell_that_is_not_a_past_date_is_refused_with_its_line(value: str, problem: str) -> None:
    with pytest.raises(RowError) as raised:
        one_row(["Name", "Role", "Consent"], ["Priya Raman", "Engineer", value])
    assert str(raised.value) == problem
