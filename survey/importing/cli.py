"""``flask survey import FILE.csv --wave NAME --mapping MAPPING.toml --kind KIND``: external
or historical results into a wave, as history (the organisation's own earlier results) or as
a benchmark (another organisation's). Every row is checked first; on any problem the command
prints ``line L, column C (name): reason`` (the first 20 and how many in all), stores
nothing and exits with status 1. Mappings for the shipped external files are in
``survey/importing/mappings/``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import text

from core.db import get_session
from core.limits import FileTooLarge
from survey.importing.mapping import (
    ImportMapping,
    MappingError,
    load_mapping,
    parse_mapping,
    with_overrides,
)
from survey.importing.plan import plan_import
from survey.importing.rows import ParsedRows, read_rows
from survey.importing.store import apply_import
from survey.models import IMPORT_KINDS
from survey.queries import response_counts, total_responses

MAPPINGS = Path(__file__).resolve().parent / "mappings"


def _mapping_from_options(questions: tuple[str, ...], instrument: str | None) -> ImportMapping:
    """A mapping made only of ``--question COLUMN=CODE`` options (no mapping file)."""
    if not questions:
        raise MappingError("give --mapping FILE.toml, or at least one --question COLUMN=CODE")
    table = []
    for item in questions:
        column, _, code = item.partition("=")
        if not code:
            raise MappingError(f"--question {item!r}: write COLUMN=CODE")
        table.append({"column": column, "code": code})
    data = {"question": table, "instrument": {"code": instrument, "title_sv": instrument}}
    return parse_mapping(data)


def _report_problems(parsed: ParsedRows) -> None:
    with force_locale("en"):
        for problem in parsed.problems.shown:
            click.echo(str(problem), err=True)
    hidden = parsed.problems.total - len(parsed.problems.shown)
    if hidden:
        click.echo(f"… and {hidden} more problems ({parsed.problems.total} in all)", err=True)
    click.echo("Nothing was imported.", err=True)


def _print_counts(db, result) -> None:
    """Responses per value of each dimension, read back from the counters."""
    names = {d.id: {v.id: v.code for v in d.values} for d in result.dimensions}
    for dimension in result.dimensions:
        click.echo(f"responses by {dimension.code}:")
        for cell in response_counts(db, result.wave.id, group_by=(), dimension_id=dimension.id):
            value = names[dimension.id].get(cell.dimension_value_id, "(missing)")
            click.echo(f"  {dimension.code}={value}: {cell.count}")


@click.command("import")
@with_appcontext
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--wave", "wave_name", help="Wave name (overrides [wave] name).")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Mapping file (TOML); a bare name is looked up in survey/importing/mappings/.")
@click.option("--kind", type=click.Choice(IMPORT_KINDS),
              help="history: the organisation's own earlier results (they join its series); "
                   "benchmark: another organisation's results (a reference only). "
                   "Overrides [wave] kind.")
@click.option("--instrument", help="Questionnaire code (overrides [instrument] code).")
@click.option("--opens-on", type=click.DateTime(["%Y-%m-%d"]), help="First day of a new wave.")
@click.option("--closes-on", type=click.DateTime(["%Y-%m-%d"]), help="Last day of a new wave.")
@click.option("--submitted-on", type=click.DateTime(["%Y-%m-%d"]),
              help="Date stored with the responses (default: the wave's last day).")
@click.option("--delimiter", help="Field separator of the CSV file (default: detected).")
@click.option("--encoding", help="Text encoding of the CSV file (default: UTF-8).")
@click.option("--question", "questions", multiple=True, metavar="COLUMN=CODE",
              help="Map a column to a question (without a mapping file; repeatable).")
@click.option("--points", type=click.IntRange(4, 7), help="Points of every agreement scale.")
@click.option("--reverse", multiple=True, metavar="CODE",
              help="Reverse-keyed question, by code or column (repeatable).")
@click.option("--missing", multiple=True, metavar="VALUE",
              help="Raw value meaning 'no answer' for every question (repeatable).")
@click.option("--ignore", multiple=True, metavar="COLUMN",
              help="Column not to import (repeatable).")
@click.option("--create/--no-create", default=True, show_default=True,
              help="Create the wave, questionnaire and dimension values when missing.")
@click.option("--append", is_flag=True, help="Add to a wave that has responses already.")
@click.option("--dry-run", is_flag=True, help="Check every row, store nothing.")
def import_command(csv_file: Path, wave_name, mapping_file, kind, instrument, opens_on, closes_on,
                   submitted_on, delimiter, encoding, questions, points, reverse, missing,
                   ignore, create, append, dry_run) -> None:
    """Import responses from a CSV file, checking every row first."""
    db = get_session()
    try:
        if mapping_file is not None:
            if not mapping_file.exists() and (MAPPINGS / mapping_file).exists():
                mapping_file = MAPPINGS / mapping_file
            mapping = load_mapping(mapping_file)
            if questions:
                raise MappingError("--question is for imports without a mapping file")
        else:
            mapping = _mapping_from_options(questions, instrument)
        mapping = with_overrides(
            mapping, points=points, reverse=reverse, missing=missing, ignore=ignore,
            kind=kind, instrument_code=instrument, delimiter=delimiter, encoding=encoding,
            opens_on=opens_on.date() if opens_on else None,
            closes_on=closes_on.date() if closes_on else None,
            submitted_on=submitted_on.date() if submitted_on else None,
        )
        name = wave_name or mapping.wave_name
        if not name:
            raise MappingError("give --wave NAME (or [wave] name in the mapping)")
        plan = plan_import(db, mapping, name, create)
    except (MappingError, OSError) as error:
        raise click.ClickException(str(error)) from None
    if plan.wave is not None and plan.wave.results_shown:
        raise click.ClickException(
            f"the results of wave {name!r} have been shown; it takes no more responses"
        )
    if plan.wave is not None and not append and total_responses(db, plan.wave.id):
        raise click.ClickException(
            f"wave {name!r} has responses already; use --append to add to them"
        )
    config = current_app.config
    if csv_file.stat().st_size > config["IMPORT_MAX_BYTES"]:
        too_large = FileTooLarge(config["IMPORT_MAX_BYTES"])
        raise click.ClickException(f"{csv_file}: nothing imported: {too_large}")
    with force_locale("en"):  # the command speaks English, as its other messages
        parsed = read_rows(csv_file.read_bytes(), plan,
                           max_rows=config["SURVEY_IMPORT_MAX_ROWS"])
    if parsed.problems.total:
        _report_problems(parsed)
        raise SystemExit(1)
    click.echo(f"{csv_file.name}: {len(parsed.rows)} rows checked, no problems")
    if dry_run:
        return
    with click.progressbar(length=len(parsed.rows), label="storing responses") as bar:
        result = apply_import(db, plan, parsed, bar.update)
    db.commit()
    if db.get_bind().dialect.name == "postgresql":
        # up to SURVEY_IMPORT_MAX_ROWS new rows at once: plan the next queries over them
        # (the raw export, verify-rollups) with their real sizes, not an empty table's
        db.execute(text("ANALYZE survey_response, survey_answer, survey_free_text, "
                        "survey_rollup, survey_response_count"))
        db.commit()
    for item in result.created:
        click.echo(f"created {item}")
    click.echo(f"imported {result.responses} responses ({result.answers} answers) into wave "
               f"{result.wave.name!r} ({result.wave.kind})")
    _print_counts(db, result)

