"""Caps that keep the application fast whatever is imported: the size of the organisation,
the units a wave's results cover, and the files the imports read. Each cap is a setting
(``core.config``, documented in the README); a city never comes near the defaults.

Why the units of the results matter: every figure passes the disclosure check, whose cost
grows much faster than the number of units (the city, each district, each district split
by service area or by staff role). 13 districts, 6 service areas and 10 roles make 238
units, checked in one to three seconds on a busy two-core machine when most cells are
small; 400 units took 4 to 12 seconds (once per wave: the pattern is cached); 100,000
service areas made the check ask for 1.09 TiB of memory. The organisation import refuses
what would go over the cap, and the results refuse, with a page that says why, if the
organisation has grown past it some other way."""

from __future__ import annotations

from typing import IO

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.org.models import District, ServiceArea, StaffRole


class ScopeTooLarge(Exception):
    """The results would cover more units than the disclosure check is allowed to take on."""

    def __init__(self, units: int, limit: int) -> None:
        super().__init__(f"{units} units in the results, at most {limit}")
        self.units, self.limit = units, limit


class FileTooLarge(Exception):
    """An imported file is larger than ``IMPORT_MAX_BYTES``."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit:,} bytes (IMPORT_MAX_BYTES)")
        self.limit = limit


def results_units(districts: int, areas: int, roles: int) -> int:
    """Units a wave's results publish: the city and each district, each of them whole, by
    service area and by staff role."""
    return (districts + 1) * (areas + roles + 1)


def check_results_units(districts: int, areas: int, roles: int) -> None:
    """Raise ScopeTooLarge when results over these axes would exceed ``RESULTS_MAX_UNITS``."""
    limit = int(current_app.config["RESULTS_MAX_UNITS"])
    units = results_units(districts, areas, roles)
    if units > limit:
        raise ScopeTooLarge(units, limit)


def organisation_units(db: Session) -> int:
    """The units results would cover with the active organisation (central
    administrations answer no surveys and are not a unit)."""

    def active(model, *where) -> int:
        stmt = select(func.count()).select_from(model).where(model.active.is_(True), *where)
        return db.scalar(stmt) or 0

    return results_units(active(District, District.is_central.is_(False)),
                         active(ServiceArea), active(StaffRole))


def read_capped(handle: IO[bytes]) -> bytes:
    """The whole of an imported file, refusing one over ``IMPORT_MAX_BYTES`` after reading
    no more than that."""
    limit = int(current_app.config["IMPORT_MAX_BYTES"])
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(limit)
    return data
