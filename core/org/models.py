"""Organisation structure: districts, service areas, staff roles, generic respondent
dimensions and the action plan's development areas. All of it is data with Swedish and
English names, editable by an administrator."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import Base
from core.i18n import localized


class Named:
    """Bilingual name columns and the name in the active locale."""

    code: Mapped[str] = mapped_column(String(40))
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    name = localized("name")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


class District(Named, Base):
    """A stadsdelsförvaltning, or a central administration (``is_central``)."""

    __tablename__ = "district"
    __table_args__ = (UniqueConstraint("code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    is_central: Mapped[bool] = mapped_column(Boolean, default=False)


class ServiceArea(Named, Base):
    """A verksamhetsområde such as ekonomiskt bistånd or äldreomsorg."""

    __tablename__ = "service_area"
    __table_args__ = (UniqueConstraint("code"),)
    id: Mapped[int] = mapped_column(primary_key=True)


class StaffRole(Named, Base):
    """A respondent's professional role (socialsekreterare, biståndshandläggare, chef).
    Not to be confused with a user's permission role in ``core.access``."""

    __tablename__ = "staff_role"
    __table_args__ = (UniqueConstraint("code"),)
    id: Mapped[int] = mapped_column(primary_key=True)


class Dimension(Named, Base):
    """A further respondent dimension, e.g. tenure band or gender."""

    __tablename__ = "dimension"
    __table_args__ = (UniqueConstraint("code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    values: Mapped[list[DimensionValue]] = relationship(
        back_populates="dimension",
        order_by="DimensionValue.sort_order",
        cascade="all, delete-orphan",
    )


class DimensionValue(Named, Base):
    __tablename__ = "dimension_value"
    __table_args__ = (UniqueConstraint("dimension_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"))
    dimension: Mapped[Dimension] = relationship(back_populates="values")


class DevelopmentArea(Named, Base):
    """One of the action plan's development areas (utvecklingsområden)."""

    __tablename__ = "development_area"
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint("number > 0", name="number_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)


#: the kinds an administrator edits and imports, by URL name
ORG_KINDS: dict[str, type[Named]] = {
    "districts": District,
    "service-areas": ServiceArea,
    "roles": StaffRole,
    "development-areas": DevelopmentArea,
    "dimensions": Dimension,
}


def list_active(session: Session, model: type[Named]) -> list:
    """Active rows of an organisation table in their display order."""
    stmt = select(model).where(model.active.is_(True)).order_by(model.sort_order, model.code)
    return list(session.scalars(stmt))


def list_all(session: Session, model: type[Named]) -> list:
    return list(session.scalars(select(model).order_by(model.sort_order, model.code)))


def by_code(session: Session, model: type[Named], code: str):
    return session.scalar(select(model).where(model.code == code))
