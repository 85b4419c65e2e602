"""Cells written to CSV and XLSX files as text a spreadsheet will not run.

A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is read by Excel, LibreOffice
and Google Sheets as a formula — OWASP's "CSV injection". Every export passes its text through `spreadsheet_text`,
which puts a leading apostrophe before such a cell, so it shows as the text it is. Numbers are left as numbers.
"""

import io
import zipfile
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: Any) -> Any:
    """`value`, with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    return [spreadsheet_text(value) for value in values]


def unpacks_beyond(content: bytes, limit: int) -> bool:
    """Whether an XLSX file (a zip archive) unpacks to more than `limit` bytes. The members are read, not their
    declared sizes, which a crafted file can understate; reading stops once past the limit. Raises
    `zipfile.BadZipFile`, `EOFError`, `OSError` or `NotImplementedError` for a file that is no readable archive."""
    unpacked = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.infolist():
            with archive.open(member) as stream:
                while chunk := stream.read(64 * 1024):
                    unpacked += len(chunk)
                    if unpacked > limit:
                        return True
    return False
