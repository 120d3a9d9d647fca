"""The organisation kinds an administrator edits, and their CSV import and export.

An import is all or nothing: every row is validated first and, on any problem, the line, the
column and the reason are reported (``core.csvfile``, the reader of every import) and nothing
is written. Otherwise rows are upserted by
code (dimension values by dimension and code) and the counts are reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import LazyString, force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.csvfile import CsvRefused, Problem, read_csv
from core.db import get_session
from core.i18n import _, _l
from core.inputs import clean_text, control_character_problem
from core.limits import FileTooLarge, organisation_units, read_capped
from core.org.models import (
    DevelopmentArea,
    Dimension,
    DimensionValue,
    District,
    Named,
    ServiceArea,
    StaffRole,
)
from core.spreadsheet import (
    BYTE_ORDER_MARK,
    CsvConvention,
    csv_convention,
    csv_document,
    from_spreadsheet_text,
)

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
CODE_MAX, NAME_MAX = 40, 200
BASE_COLUMNS = ("code", "name_sv", "name_en")
TRUE_WORDS = {"1", "true", "yes", "ja", "sant", "x"}
FALSE_WORDS = {"", "0", "false", "no", "nej", "falskt"}


@dataclass(frozen=True)
class OrgKind:
    """One editable organisation table: its URL name, model, labels and extra column."""

    slug: str
    model: type[Named]
    plural: LazyString
    new_label: LazyString
    extra: str | None = None  # "is_central" | "number" | "dimension"

    @property
    def columns(self) -> tuple[str, ...]:
        extra = (self.extra,) if self.extra else ()
        return (*BASE_COLUMNS, "sort_order", *extra)


KINDS: dict[str, OrgKind] = {
    k.slug: k
    for k in (
        OrgKind("districts", District, _l("Districts"), _l("New district"), "is_central"),
        OrgKind("service-areas", ServiceArea, _l("Service areas"), _l("New service area")),
        OrgKind("roles", StaffRole, _l("Staff roles"), _l("New staff role")),
        OrgKind("dimensions", Dimension, _l("Respondent dimensions"), _l("New dimension")),
        OrgKind("dimension-values", DimensionValue, _l("Dimension values"),
                _l("New dimension value"), "dimension"),
        OrgKind("development-areas", DevelopmentArea, _l("Development areas"),
                _l("New development area"), "number"),
    )
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)


def code_problem(code: str) -> str | None:
    """Why ``code`` is not acceptable, or None (shared with the forms)."""
    if not code:
        return _("A code is required.")
    if len(code) > CODE_MAX:
        return _("At most %(n)d characters.", n=CODE_MAX)
    if not CODE_PATTERN.match(code):
        return _("Use lower-case letters a–z, digits, '-', '_' or '.', starting with a letter "
                 "or digit.")
    return None


def _problem(line: int, column: str, message: str, header: list[str]) -> Problem:
    """A problem of the column named ``column`` (its position when the header has it)."""
    position = header.index(column) + 1 if column in header else 0
    return Problem(line, position, message, column)


def read_table(data: bytes | str, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (lower case) and (line, cells) rows of an import file. A cell our export
    defused (``'=…``) is read as it was before. More than ``max_rows`` rows are refused
    at the first row beyond, before the rest of the file is read."""
    table = read_csv(data)
    rows: list[tuple[int, list[str]]] = []
    for line, cells in table.rows():
        if len(rows) >= max_rows:
            raise CsvRefused(Problem(line, 0, _(
                "The file has more than %(n)d rows: at most %(n)d active items of one kind "
                "are allowed (the setting ORG_MAX_ITEMS).", n=max_rows)))
        rows.append((line, [from_spreadsheet_text(c.strip()) for c in cells]))
    return [h.strip().lower() for h in table.header], rows


def validate(db: Session, kind: OrgKind, data: bytes | str
             ) -> tuple[list[dict], list[Problem]]:
    """Read and check every row; returns the rows as dicts (with their line) and problems."""
    try:
        header, table = read_table(data, current_app.config["ORG_MAX_ITEMS"])
    except CsvRefused as refused:
        return [], [refused.problem]
    problems = [_problem(1, col, _("This column is required."), header) for col in
                (*BASE_COLUMNS, *(["dimension"] if kind.extra == "dimension" else []))
                if col not in header]
    problems += [_problem(1, col, _("Unknown column; allowed: %(cols)s", cols=", ".join(
        kind.columns)), header) for col in header if col not in kind.columns]
    if len(set(header)) != len(header):
        problems.append(Problem(1, 0, _("A column name appears twice.")))
    if problems:
        return [], problems
    if not table:
        return [], [Problem(2, 0, _("The file has no rows."))]
    dimensions = {d.code: d for d in db.scalars(select(Dimension))}
    rows, seen = [], {}
    for line, cells in table:
        if len(cells) != len(header):
            problems.append(Problem(line, 0, _("Expected %(n)d cells, found %(m)d.",
                                                n=len(header), m=len(cells))))
            continue
        row = dict(zip(header, cells, strict=True))
        row["line"] = line
        problems += check_row(row, dimensions, header)
        key = (row.get("dimension"), row["code"])
        if key in seen:
            problems.append(_problem(line, "code", _("The code also appears on line %(n)d.",
                                                     n=seen[key]), header))
        seen.setdefault(key, line)
        rows.append(row)
    if not problems and kind.extra == "number":
        problems += check_numbers(db, rows, header)
    return rows, problems


def check_row(row: dict, dimensions: dict[str, Dimension], header: list[str]) -> list[Problem]:
    line, problems = row["line"], []
    for col, value in row.items():
        if col == "line":
            continue
        # a line break in a cell (Alt+Enter in Excel) reads as a space, as on a page;
        # any other control character is refused
        if (why := control_character_problem(value, multiline=True)) is not None:
            problems.append(_problem(line, col, why, header))
        else:
            row[col] = clean_text(value)
    if problems:
        return problems
    if (why := code_problem(row["code"])) is not None:
        problems.append(_problem(line, "code", why, header))
    for col in ("name_sv", "name_en"):
        if not row[col]:
            problems.append(_problem(line, col, _("A name is required."), header))
        elif len(row[col]) > NAME_MAX:
            problems.append(_problem(line, col, _("At most %(n)d characters.", n=NAME_MAX),
                                         header))
    for col, minimum in (("sort_order", -100000), ("number", 1)):
        value = row.get(col, "")
        if value and not (re.fullmatch(r"-?\d{1,6}", value) and int(value) >= minimum):
            problems.append(_problem(line, col, _("Expected a whole number of at least "
                                                  "%(n)d.", n=minimum), header))
    if "is_central" in row and row["is_central"].lower() not in TRUE_WORDS | FALSE_WORDS:
        problems.append(_problem(line, "is_central", _("Expected yes or no (1 or 0)."),
                                 header))
    if "dimension" in row and row["dimension"] not in dimensions:
        problems.append(_problem(line, "dimension", _("No dimension has the code %(code)s.",
                                                      code=row["dimension"] or "–"), header))
    return problems


def check_numbers(db: Session, rows: list[dict], header: list[str]) -> list[Problem]:
    """Development area numbers stay unique after the import (existing rows included)."""
    final = {a.code: a.number for a in db.scalars(select(DevelopmentArea))}
    line_of = {}
    for row in rows:
        if row.get("number"):
            final[row["code"]] = int(row["number"])
            line_of[row["code"]] = row["line"]
    holders: dict[int, list[str]] = {}
    for code, number in final.items():
        holders.setdefault(number, []).append(code)
    return [
        _problem(line_of[code], "number", _("Number %(n)d is used by %(codes)s as well.",
                                            n=number, codes=", ".join(sorted(set(codes) - {code}))),
                 header)
        for number, codes in holders.items() if len(codes) > 1
        for code in codes if code in line_of
    ]


def organisation_size(db: Session, kind: OrgKind) -> tuple[int, int]:
    """(active items of ``kind``, units the results would cover) as the session sees it."""
    model = kind.model
    active = db.scalar(select(func.count()).select_from(model).where(model.active.is_(True)))
    return active or 0, organisation_units(db)


def growth_problems(db: Session, kind: OrgKind, before: tuple[int, int]) -> list[str]:
    """Why the organisation, as flushed to the session, has grown past a cap (nothing when
    it is within the caps, or has not grown)."""
    config = current_app.config
    items, units = organisation_size(db, kind)
    problems = []
    if items > config["ORG_MAX_ITEMS"] and items > before[0]:
        problems.append(_(
            "This would make %(m)d active items of this kind; at most %(n)d are allowed (the "
            "setting ORG_MAX_ITEMS). Deactivate items that are no longer used first.",
            m=items, n=config["ORG_MAX_ITEMS"]))
    if units > config["RESULTS_MAX_UNITS"] and units > before[1]:
        problems.append(_(
            "Survey results would then cover %(m)d units (each district whole, by service area "
            "and by staff role); at most %(n)d are allowed (the setting RESULTS_MAX_UNITS), "
            "so that the anonymity check of every report stays fast. Deactivate districts, "
            "service areas or staff roles that are no longer used first.",
            m=units, n=config["RESULTS_MAX_UNITS"]))
    return problems


def import_csv(db: Session, kind: OrgKind, data: bytes | str) -> ImportResult:
    """Validate everything, then upsert by code; flushes only when there is no problem.
    Problems after the flush (the organisation would grow past a cap) leave the caller to
    roll back, as for any problem."""
    rows, problems = validate(db, kind, data)
    if problems:
        return ImportResult(problems=sorted(problems, key=lambda p: p.line))
    before = organisation_size(db, kind)
    dimensions = {d.code: d for d in db.scalars(select(Dimension))}
    existing = {(getattr(r, "dimension_id", None), r.code): r
                for r in db.scalars(select(kind.model))}
    next_order = max((r.sort_order for r in existing.values()), default=-1) + 1
    next_number = 1 + max([getattr(r, "number", 0) for r in existing.values()]
                          + [int(r["number"]) for r in rows if r.get("number")], default=0)
    result = ImportResult()
    for row in rows:
        dimension = dimensions.get(row.get("dimension", ""))
        item = existing.get((dimension.id if dimension else None, row["code"]))
        if item is None:
            item = kind.model(code=row["code"], active=True, sort_order=next_order)
            next_order += 1
            if kind.extra == "number" and not row.get("number"):
                item.number, next_number = next_number, next_number + 1
            db.add(item)
            result.created += 1
        else:
            result.updated += 1
        item.name_sv, item.name_en = row["name_sv"], row["name_en"]
        if row.get("sort_order"):
            item.sort_order = int(row["sort_order"])
        if "is_central" in row:
            item.is_central = row["is_central"].lower() in TRUE_WORDS
        if row.get("number"):
            item.number = int(row["number"])
        if dimension is not None:
            item.dimension = dimension
    db.flush()
    grown = growth_problems(db, kind, before)
    if grown:
        return ImportResult(problems=[Problem(0, 0, message) for message in grown])
    return result


def export_csv(db: Session, kind: OrgKind, convention: CsvConvention | None = None) -> str:
    """All rows of a kind in the import format (so a file can be edited and imported back,
    whichever delimiter it is saved with), in ``convention`` (default: the reader's
    language, so that a Swedish spreadsheet opens it in columns); names pass
    ``spreadsheet_text`` (a name such as ``=1+1`` is not run as a formula) and the import
    reads them back unchanged."""
    rows: list[list] = [list(kind.columns)]
    model = kind.model
    for item in db.scalars(select(model).order_by(model.sort_order, model.code)):
        extra = []
        if kind.extra == "is_central":
            extra = [int(item.is_central)]
        elif kind.extra == "number":
            extra = [item.number]
        elif kind.extra == "dimension":
            extra = [item.dimension.code]
        rows.append([item.code, item.name_sv, item.name_en, item.sort_order, *extra])
    return "".join(csv_document(rows, convention or csv_convention()))


org_cli = AppGroup("org", help="Organisation structure (districts, areas, roles, ...).")


@org_cli.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=click.File("rb"))
def org_import(kind: str, file) -> None:
    """Import FILE (CSV: code,name_sv,name_en[,sort_order][,is_central|number|dimension])."""
    db = get_session()
    with force_locale("en"):
        try:
            data = read_capped(file)
        except FileTooLarge as error:
            raise click.ClickException(f"nothing imported: {error}") from None
        result = import_csv(db, KINDS[kind], data)
        if result.problems:
            for problem in result.problems:
                click.echo(str(problem), err=True)
            db.rollback()
            raise click.ClickException(f"nothing imported: {len(result.problems)} problem(s)")
    db.commit()
    click.echo(f"{kind}: {result.created} created, {result.updated} updated")


@org_cli.command("export")
@click.argument("kind", type=click.Choice(list(KINDS)))
def org_export(kind: str) -> None:
    """Print all rows of KIND as CSV in the import format."""
    # the documented import format for scripts: commas, no byte order mark
    text = export_csv(get_session(), KINDS[kind], csv_convention("en"))
    click.echo(text.removeprefix(BYTE_ORDER_MARK), nl=False)
