"""Users, their permission role and district scope, password hashing, login throttling kept
in the database (so it holds across gunicorn workers), and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, g, has_app_context, session
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    String,
    Table,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.access import ALL_DISTRICT_ROLES, LOCAL, ROLES
from core.db import Base, get_session
from core.org import District

user_district = Table(
    "user_district",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("district.id", ondelete="CASCADE"), primary_key=True),
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'central', 'local', 'moderator', 'facilitator')",
            name="role_known",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    districts: Mapped[list[District]] = relationship(secondary=user_district, lazy="selectin")

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = generate_password_hash(password, method=method or "scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def sees_all_districts(self) -> bool:
        return self.role in ALL_DISTRICT_ROLES

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginFailure(Base):
    """One failed login; counted per user name and per client within a time window."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ApiToken(Base):
    """A personal read-only API token; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[User] = relationship()


class AuthError(ValueError):
    """A user-facing problem with a user management request."""


def create_user(
    db: Session,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    district_codes: list[str] | None = None,
) -> User:
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise AuthError(f"user {username!r} exists already")
    if role == LOCAL and not district_codes:
        raise AuthError("a local steering group member needs at least one district")
    user = User(username=username, role=role, display_name=display_name or username)
    user.set_password(password)
    user.districts = districts_by_codes(db, district_codes or [])
    db.add(user)
    db.flush()
    return user


def districts_by_codes(db: Session, codes: list[str]) -> list[District]:
    found = list(db.scalars(select(District).where(District.code.in_(codes))))
    missing = set(codes) - {d.code for d in found}
    if missing:
        raise AuthError(f"unknown district codes: {', '.join(sorted(missing))}")
    return found


def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


def is_throttled(db: Session, username: str, client: str) -> bool:
    """True when too many recent failures exist for this user name or this client."""
    cfg = current_app.config
    since = utcnow() - timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    by_name = db.scalar(
        select(func.count()).where(LoginFailure.username == username, LoginFailure.at >= since)
    )
    by_client = db.scalar(
        select(func.count()).where(LoginFailure.client == client, LoginFailure.at >= since)
    )
    return (by_name or 0) >= cfg["LOGIN_MAX_FAILURES"] or (by_client or 0) >= cfg[
        "LOGIN_MAX_FAILURES_PER_CLIENT"
    ]


def record_failure(db: Session, username: str, client: str) -> None:
    db.add(LoginFailure(username=username[:80], client=client[:64]))
    cutoff = utcnow() - timedelta(days=1)
    db.execute(delete(LoginFailure).where(LoginFailure.at < cutoff))
    db.flush()


def clear_failures(db: Session, username: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.username == username))
    db.flush()


def client_key(remote_addr: str | None) -> str:
    """Login throttling needs a client key; store a digest, not the address itself."""
    return hashlib.sha256((remote_addr or "-").encode()).hexdigest()[:32]


def issue_token(db: Session, user: User, label: str = "") -> str:
    """Create a token and return it once in clear text."""
    raw = secrets.token_urlsafe(32)
    db.add(ApiToken(user=user, digest=hashlib.sha256(raw.encode()).hexdigest(), label=label))
    db.flush()
    return raw


def user_for_token(db: Session, raw: str) -> User | None:
    digest = hashlib.sha256(raw.encode()).hexdigest()
    token = db.scalar(select(ApiToken).where(ApiToken.digest == digest))
    if token is None or not token.user.active:
        return None
    return token.user


def load_logged_in_user() -> None:
    """Before each request: put the signed-in user (or None) on ``g.user``."""
    user_id = session.get("user_id")
    g.user = None
    if user_id is not None:
        user = get_session().get(User, user_id)
        if user is not None and user.active and session.get("pw") == user.password_hash[-12:]:
            g.user = user
        else:
            session.clear()


def init_app(app: Flask) -> None:
    app.before_request(load_logged_in_user)

    @app.context_processor
    def _inject_user() -> dict:
        return {"current_user": g.get("user")}
