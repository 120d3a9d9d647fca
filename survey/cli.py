"""``flask survey …``: verify the counters, purge drafts, load the built-in library."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from core.db import get_session
from survey.catalog import list_waves, wave_by_name
from survey.library import load_library
from survey.models import Wave
from survey.respond import drafts
from survey.verify import rollup_differences

survey_cli = AppGroup("survey", help="Surveys: counters, drafts, the built-in library.")


@survey_cli.command("verify-rollups")
@click.option("--wave", "wave_name", default=None, help="Only this wave (by name).")
def verify_rollups(wave_name: str | None) -> None:
    """Recompute the counters from the raw responses and print any difference."""
    db = get_session()
    if wave_name is not None:
        wave = wave_by_name(db, wave_name)
        if wave is None:
            raise click.ClickException(f"no wave named {wave_name!r}")
        waves: list[Wave] = [wave]
    else:
        waves = list_waves(db)
    failed = 0
    for wave in waves:
        differences = rollup_differences(db, wave.id)
        if not differences:
            click.echo(f"{wave.name}: counters match the responses")
            continue
        failed += 1
        click.echo(f"{wave.name}: {len(differences)} differences")
        for diff in differences:
            key = ", ".join(str(part) for part in diff.key)
            click.echo(f"  {diff.table} ({key}): stored {diff.stored}, "
                       f"recomputed {diff.recomputed}")
    if failed:
        raise SystemExit(1)


@survey_cli.command("purge-drafts")
def purge_drafts() -> None:
    """Delete unfinished answers of every closed wave."""
    db = get_session()
    count = drafts.purge_closed_drafts(db, date.today())
    db.commit()
    click.echo(f"deleted {count} drafts of closed waves")


@survey_cli.command("load-library")
def load_library_command() -> None:
    """Create the built-in instruments (HME, workload, both together) when missing."""
    db = get_session()
    made = load_library(db)
    db.commit()
    for instrument in made:
        click.echo(f"created {instrument.code} v{instrument.version}: {instrument.title_sv}")
    if not made:
        click.echo("the library is loaded already")
