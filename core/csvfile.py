"""Reading an imported CSV file: the one reader of every import (organisation, HR figures,
survey results), and the one way they report a problem.

* Encoding: UTF-8, with or without a byte order mark (Excel's "CSV UTF-8"). A file in any
  other encoding is refused, never guessed: the problem names the line and column of the
  first character that is not UTF-8, says which encoding the file most likely is (older
  Excel versions save "CSV" as Windows-1252) and how to save it again. A guess that is
  wrong would store names with å, ä and ö garbled, and nobody would notice until later.
  Only an encoding the importer names itself (a survey mapping's ``encoding``) is read
  as another.
* Delimiter: comma, semicolon (Excel with Swedish settings) or tab, whichever splits the
  header line into the most columns; a caller that knows it may say so.
* Every problem has a line (the header is line 1; a quoted value over several lines counts
  from its first line) and a column (1 is the first; 0 when the problem is the whole line),
  with the column's name when it is known. A problem of the file as a whole has line 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from core.i18n import _

DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Problem:
    """Why one place of an imported file cannot be taken."""

    line: int  #: 0 for the file as a whole
    column: int  #: 1-based; 0 for the whole line
    message: str
    name: str = ""  #: the column's name in the header, when known

    def __str__(self) -> str:
        if not self.line:
            return self.message
        if not self.column:  # a column the header lacks, or the whole line
            return _("line %(line)d, column %(column)s: %(message)s", line=self.line,
                     column=self.name or "–", message=self.message)
        if self.name:
            return _("line %(line)d, column %(column)d (%(name)s): %(reason)s",
                     line=self.line, column=self.column, name=self.name, reason=self.message)
        return _("line %(line)d, column %(column)d: %(reason)s", line=self.line,
                 column=self.column, reason=self.message)


class CsvRefused(ValueError):
    """The file cannot be read as CSV text; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


UTF8 = ("utf-8", "utf-8-sig", "utf8", "utf_8")


def decode(data: bytes | str, encoding: str | None = None) -> str:
    """The text of an imported file: UTF-8, with or without a byte order mark, unless the
    importer names another ``encoding``. Text already decoded loses its byte order mark
    (as the CSV downloads write one)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    named = encoding is not None and encoding.lower() not in UTF8
    try:
        return data.decode(encoding if named else "utf-8-sig")  # type: ignore[arg-type]
    except LookupError:
        raise CsvRefused(Problem(0, 0, _("Unknown text encoding “%(name)s”.",
                                         name=encoding))) from None
    except UnicodeDecodeError as error:
        raise CsvRefused(_undecodable(data, error.start, encoding if named else None)) from None


def _undecodable(data: bytes, start: int, encoding: str | None) -> Problem:
    """The problem of a file whose byte ``start`` is the first that is not UTF-8 (or not
    of the named ``encoding``)."""
    before = data[:start].decode(encoding or "utf-8-sig")
    line = before.count("\n") + 1
    line_start = before.rsplit("\n", 1)[-1]
    column = len(_cells(line_start, sniff_delimiter(before.split("\n", 1)[0])))
    if encoding is not None:
        return Problem(line, max(column, 1), _("The file is not %(name)s text.", name=encoding))
    try:
        looks_windows_1252 = b"\x00" not in data and bool(data.decode("cp1252"))
    except UnicodeDecodeError:  # a byte Windows-1252 does not define
        looks_windows_1252 = False
    if not looks_windows_1252:  # NUL bytes: UTF-16 ("Unicode text"), or no text at all
        message = _("The file is not UTF-8 text. Save it as “CSV UTF-8” and import it again.")
    else:
        message = _("The file is not UTF-8 text: it looks like Windows-1252, as older Excel "
                    "versions save CSV. Save it as “CSV UTF-8” and import it again.")
    return Problem(line, max(column, 1), message)


def _cells(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [""])


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most columns (comma on a tie)."""
    return max(DELIMITERS, key=lambda d: (len(_cells(header_line, d)), -DELIMITERS.index(d)))


@dataclass
class CsvTable:
    """An imported file's header and its rows, read as they are asked for."""

    header: list[str]
    delimiter: str
    reader: Iterator[list[str]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(first line of the row, its cells) for every row that is not empty. A row the
        csv module cannot read (a cell beyond its size limit) raises CsvRefused."""
        reader = self.reader
        previous = reader.line_num  # type: ignore[attr-defined]
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise CsvRefused(Problem(previous + 1, 0, _(
                    "The file is not a readable CSV file."))) from None
            first, previous = previous + 1, reader.line_num  # type: ignore[attr-defined]
            if any(cell.strip() for cell in cells):
                yield first, cells


def read_csv(data: bytes | str, delimiter: str | None = None,
             encoding: str | None = None) -> CsvTable:
    """The header and rows of an imported file (CsvRefused when it is not UTF-8 text, or
    of the named ``encoding``, or its header cannot be read). An empty file has an empty
    header."""
    text = decode(data, encoding)
    if delimiter is None:
        delimiter = sniff_delimiter(text.split("\n", 1)[0].rstrip("\r"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error:
        raise CsvRefused(Problem(1, 0, _("The file is not a readable CSV file."))) from None
    return CsvTable(header, delimiter, reader)
