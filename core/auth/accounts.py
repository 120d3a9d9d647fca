"""Users, their permission role and district scope, passwords, sign-in sessions and API
tokens.

A sign-in is kept by Flask-Login, whose session cookie names the user by a random per-user
sign-in key (its documented "alternative token"), never by the id or any part of the
password hash. Signing out, a new password and deactivation give the account a new key, so
every session of the account ends at once on every worker and server that shares the
database; the same password change and deactivation revoke the account's API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from functools import lru_cache

from flask import Flask, current_app, g, has_app_context, session
from flask_login import LoginManager, login_user, logout_user
from flask_login import current_user as login_current_user
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    String,
    Table,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.access import ALL_DISTRICT_ROLES, LOCAL, ROLES, TOKEN_LOOKUP
from core.auth import throttle
from core.db import Base, get_session
from core.org.models import District

user_district = Table(
    "user_district",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("district.id", ondelete="CASCADE"), primary_key=True),
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_sign_in_key() -> str:
    return secrets.token_urlsafe(32)


def hash_method() -> str:
    """The configured password hash method (werkzeug's scrypt unless set)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
    return method or "scrypt"


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
    #: names the account in session cookies; a new one ends every session of the account
    sign_in_key: Mapped[str] = mapped_column(String(64), unique=True, default=new_sign_in_key)
    districts: Mapped[list[District]] = relationship(secondary=user_district, lazy="selectin")

    def set_password(self, password: str) -> None:
        """Store a hash of ``password``; the sessions signed in with the old one end."""
        self.password_hash = generate_password_hash(password, method=hash_method())
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Every session cookie of this account stops working (once committed)."""
        self.sign_in_key = new_sign_in_key()

    # what Flask-Login asks of a user object
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.sign_in_key

    @property
    def sees_all_districts(self) -> bool:
        return self.role in ALL_DISTRICT_ROLES

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


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




def revoke_tokens(db: Session, user: User) -> int:
    """Revoke every API token of ``user``; how many there were."""
    result = db.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.flush()
    return result.rowcount or 0


def change_password(db: Session, user: User, password: str) -> int:
    """Set a new password: every session of the account ends, its API tokens are revoked
    and its failed sign-ins are forgotten. Returns how many tokens were revoked."""
    user.set_password(password)
    throttle.forget_account(db, user.username)
    return revoke_tokens(db, user)


def deactivate(db: Session, user: User) -> None:
    """The account can no longer sign in; its sessions end and its API tokens are revoked."""
    user.active = False
    user.end_sessions()
    revoke_tokens(db, user)
    db.flush()


def _dummy_hash() -> str:
    """A hash of a random password made with the configured method, checked for user names
    that do not exist, so that they take as long as a wrong password."""
    return _random_password_hash(hash_method())


@lru_cache(maxsize=8)
def _random_password_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None. Raises
    :class:`core.auth.throttle.Throttled` (and checks nothing) when this client must wait.

    Every try that is not refused checks exactly one password hash: an unknown user name is
    checked against a dummy hash, an inactive account against its own, so the answer takes
    the same time whether the name exists or not."""
    attempt = throttle.begin_attempt(username)
    user = find_user(db, username)
    if user is None:
        check_password_hash(_dummy_hash(), password)
    elif user.check_password(password) and user.active:
        throttle.attempt_succeeded(attempt)
        return user
    throttle.attempt_failed()
    return None


def confirm_password(user: User, password: str) -> bool:
    """Whether ``password`` is the signed-in ``user``'s own (asked before it is changed),
    counted like a sign-in so that a borrowed session cannot be used to guess it. Raises
    :class:`core.auth.throttle.Throttled` when this client must wait."""
    attempt = throttle.begin_attempt(user.username)
    if user.check_password(password):
        throttle.attempt_succeeded(attempt)
        return True
    throttle.attempt_failed()
    return False


login_manager = LoginManager()
#: Flask-Login's session protection compares a digest of the address and browser stored in
#: the cookie; a sign-in key that changes when it must does the job without either.
login_manager.session_protection = None


@login_manager.user_loader
def _user_for_sign_in_key(key: str) -> User | None:
    user = get_session().scalar(select(User).where(User.sign_in_key == key))
    return user if user is not None and user.active else None


def start_session(user: User) -> None:
    """Sign ``user`` in on this browser (after a password check or a password change)."""
    login_user(user)
    session.pop("_id", None)  # the digest of address and browser, see session_protection
    session.permanent = True


def sign_out(user: User) -> None:
    """End every session of ``user``, this one included (committed by the view)."""
    user.end_sessions()
    logout_user()
    session.clear()


def load_logged_in_user() -> None:
    """Before each request: put the signed-in user (or None) on ``g.user``. A cookie whose
    sign-in key is no longer the account's is emptied."""
    g.user = None
    if "_user_id" not in session:
        return
    user = login_current_user._get_current_object()
    if user.is_authenticated:
        g.user = user
    else:
        session.clear()


def init_app(app: Flask) -> None:
    login_manager.init_app(app, add_context_processor=False)
    app.extensions[TOKEN_LOOKUP] = lambda raw: user_for_token(get_session(), raw)
    app.before_request(load_logged_in_user)

    @app.context_processor
    def _inject_user() -> dict:
        return {"current_user": g.get("user")}
