"""Data model of the disclosure gate: cells, sum relations, outcomes (see core.disclosure.gate)."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

#: reason codes; render e.g. "fewer than 5 answers" and "hidden to protect a small group"
REASON_BELOW_MINIMUM: Final = "below_minimum"
REASON_COMPLEMENTARY: Final = "complementary"


@dataclass(frozen=True)
class Cell:
    """One published group: ``key`` (any hashable), ``n`` people, and the figures it carries."""

    key: Hashable
    n: int
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SumRelation:
    """``total`` cell's n equals the sum of the ``parts`` cells' n (and so do additive figures)."""

    total: Hashable
    parts: tuple[Hashable, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.parts))
        if not self.parts:
            raise ValueError(f"relation for {self.total!r} has no parts")
        if len(set(self.parts)) != len(self.parts) or self.total in self.parts:
            raise ValueError(f"relation for {self.total!r} repeats a cell")


@dataclass(frozen=True)
class CellOutcome:
    """The gate's verdict for one cell: ``n``/``figures`` are None exactly when suppressed."""

    key: Hashable
    n: int | None
    figures: Mapping[str, Any] | None
    reason: str | None = None

    @property
    def published(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class SuppressionResult:
    """Outcomes in input order; index by key (``result[key]``) or iterate."""

    cells: tuple[CellOutcome, ...]
    minimum: int
    _by_key: dict[Hashable, CellOutcome] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {c.key: c for c in self.cells})

    def __getitem__(self, key: Hashable) -> CellOutcome:
        return self._by_key[key]

    def __iter__(self) -> Iterator[CellOutcome]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)

    def is_published(self, key: Hashable) -> bool:
        return self._by_key[key].published

    def keys_with(self, reason: str | None) -> frozenset[Hashable]:
        """Keys whose reason is ``reason`` (None: the published keys)."""
        return frozenset(c.key for c in self.cells if c.reason == reason)

    @property
    def suppressed_keys(self) -> frozenset[Hashable]:
        return frozenset(c.key for c in self.cells if not c.published)

    @property
    def primary_keys(self) -> frozenset[Hashable]:
        return self.keys_with(REASON_BELOW_MINIMUM)

    @property
    def complementary_keys(self) -> frozenset[Hashable]:
        return self.keys_with(REASON_COMPLEMENTARY)


class _Total:
    """Marker for a margin position in table and cube keys; prints as TOTAL."""

    _instance: _Total | None = None

    def __new__(cls) -> _Total:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "TOTAL"

    def __reduce__(self) -> str:
        return "TOTAL"


#: the margin marker: ``(area, TOTAL)`` is the row total of ``area``; ``(TOTAL, TOTAL)`` the grand
TOTAL: Final = _Total()


@dataclass(frozen=True)
class Unit:
    """A node of an organisational tree; its ``n`` must equal the sum of its children's n
    (add an "unspecified" child for people who did not state the lower level)."""

    key: Hashable
    n: int
    children: tuple[Unit, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)

