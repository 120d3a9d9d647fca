"""A respondent's unit: district, service area, staff role and the values of a wave's extra
dimensions. The counters key on it with 0 for "not asked" and the extra values folded into
one text key, so that one composite primary key can be the conflict target of an upsert."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Unit(NamedTuple):
    """Who answered, as coarsely as the wave asks. ``extra`` maps dimension id → value id."""

    district_id: int | None = None
    service_area_id: int | None = None
    staff_role_id: int | None = None
    extra_key: str = ""

    @property
    def cell(self) -> tuple[int, int, int, str]:
        """The counters' key: (district, service area, staff role, extra key), 0 = not asked."""
        return (
            self.district_id or 0,
            self.service_area_id or 0,
            self.staff_role_id or 0,
            self.extra_key,
        )

    @property
    def extra(self) -> dict[int, int]:
        return decode_extra(self.extra_key)


def encode_extra(values: Mapping[int, int]) -> str:
    """``{dimension id: value id}`` → ``"3:7,4:12"`` (sorted by dimension id)."""
    return ",".join(f"{dim}:{value}" for dim, value in sorted(values.items()))


def decode_extra(key: str) -> dict[int, int]:
    """The inverse of ``encode_extra``."""
    if not key:
        return {}
    pairs = (part.split(":", 1) for part in key.split(","))
    return {int(dim): int(value) for dim, value in pairs}


def none_if_zero(value: int | None) -> int | None:
    return value or None
