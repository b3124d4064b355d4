"""A CSV file as spreadsheets and ATS exports write it, read as it comes so that its size never matters.

Excel, Google Sheets, Numbers and the ATSs write UTF-8 with or without a byte order mark (Excel's "CSV UTF-8" adds
one), or UTF-16 with one (Excel's "Unicode Text", tab-separated); a comma, or a semicolon where the decimal separator
is a comma (most of Europe), or a tab; Windows (CRLF), Unix (LF) or old Mac (CR) line endings; values with the
separator, quotes or line breaks inside double quotes. The separator is read from the header line. Rows that are
entirely blank (spreadsheets leave them at the end) are skipped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

DELIMITERS = (",", ";", "\t")
# Bytes that are not UTF-8 decode, under surrogateescape, to these lone surrogates: a line holding one was not UTF-8.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class CsvError(Exception):
    """The file cannot be read on from here; the message says where, and what to do about it."""


@dataclass(frozen=True)
class Record:
    """One row of values. `line` is where it starts in the file (the header is line 1) and `row` the row number a
    spreadsheet shows for it; they differ once a value above holds a line break. `last_line` is where it ends."""

    line: int
    row: int
    last_line: int
    values: list[str]

    @property
    def where(self) -> str:
        """How a problem message names this row: by its line, with the spreadsheet's row number when that differs."""
        return f"line {self.line}" if self.row == self.line else f"line {self.line} (row {self.row} in a spreadsheet)"


@dataclass(frozen=True)
class Table:
    """The header's cells, the separator found, and the rows after it, read lazily."""

    header: list[str]
    delimiter: str
    records: Iterator[Record]


@contextmanager
def read_table(source: BinaryIO) -> Iterator[Table]:
    """Read the CSV from the source's current position; raises CsvError for an empty or unreadable file.

    The source stays open (and the caller's) afterwards, so it can be read again.
    """
    text = io.TextIOWrapper(source, encoding=_encoding(source), errors="surrogateescape", newline="")
    try:
        lines = _Lines(text)
        first = next(lines, None)
        while first is not None and not first.strip():  # blank lines above the header
            first = next(lines, None)
        header_row = lines.number
        if first is None:
            raise CsvError("The file is empty: export the candidates with a header row, then one row per candidate.")
        delimiter = sniff_delimiter(first)
        reader = csv.reader(_chain(first, lines), delimiter=delimiter)
        try:
            header = next(reader)
        except csv.Error as error:
            raise CsvError(f"Line {lines.number}: the header cannot be read as CSV ({error}).") from None
        records = _records(reader, lines, header_line=lines.number, header_row=header_row)
        yield Table(header=header, delimiter=delimiter, records=records)
    finally:
        text.detach()


def sniff_delimiter(line: str) -> str:
    """The separator the header line uses most outside quotes: a comma, a semicolon or a tab (a comma on a tie)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(DELIMITERS, key=lambda delimiter: counts[delimiter])  # max keeps the first of equals: the comma


def _encoding(source: BinaryIO) -> str:
    """UTF-16 when the file starts with its byte order mark, else UTF-8, whose own mark is dropped if present."""
    start = source.tell()
    head = source.read(2)
    source.seek(start)
    return "utf-16" if head in _UTF16_BOMS else "utf-8-sig"


class _Lines:
    """The file's physical lines, counted, each checked to be text in the file's encoding as it is read."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._text)
        self.number += 1
        bad = _UNDECODABLE.search(line)
        if bad is not None:
            byte = ord(bad.group()) - 0xDC00
            raise CsvError(
                f"Line {self.number} is not UTF-8 text (byte 0x{byte:02X} at character {bad.start() + 1}): the file "
                "was saved in another encoding. Save it again as “CSV UTF-8” (Excel) or download it as CSV "
                "(Google Sheets), then import that file."
            )
        return line


def _chain(first: str, lines: _Lines) -> Iterator[str]:
    yield first
    yield from lines


def _records(reader: Iterator[list[str]], lines: _Lines, *, header_line: int, header_row: int) -> Iterator[Record]:
    """The non-blank rows, each with where it starts and ends."""
    row, previous_end = header_row, header_line
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvError(
                f"Line {previous_end + 1}: this row cannot be read as CSV ({error}); is a double quote opened and "
                "never closed?"
            ) from None
        row += 1
        start, previous_end = previous_end + 1, lines.number
        if any(value.strip() for value in values):
            yield Record(line=start, row=row, last_line=lines.number, values=values)
