"""Random codes: one-time submission tokens (signed, so only forms this site issued are
accepted), resume codes and invitation codes (short, easy to type, no look-alike letters),
and the keyed hash under which a draft is kept (the resume code itself is never stored)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

#: Crockford's base32: no I, L, O or U, so codes survive being read aloud or typed
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

RESUME_CODE_LENGTH = 12  # 60 random bits
INVITATION_CODE_LENGTH = 10  # 50 random bits


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(raw: str | None) -> str:
    """What a person typed → the stored form (upper case, no spaces or dashes)."""
    text = (raw or "").upper().translate(_LOOKALIKES)
    return "".join(ch for ch in text if ch.isalnum())[:32]


def display_code(code: str) -> str:
    """``ABCDEFGHJKMN`` → ``ABCD-EFGH-JKMN`` for reading and copying."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _signature(wave_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"survey-submission:{wave_id}:{nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def issue_submission_token(wave_id: int) -> str:
    """A fresh token for one form of ``wave_id``: ``<nonce>.<signature>`` (≤ 64 characters)."""
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_signature(wave_id, nonce)}"


def valid_submission_token(wave_id: int, token: str | None) -> bool:
    """True when this site issued ``token`` for ``wave_id`` (spent or not)."""
    if not token or len(token) > 64 or "." not in token:
        return False
    nonce, signature = token.rsplit(".", 1)
    return hmac.compare_digest(signature, _signature(wave_id, nonce))


def resume_key(resume_code: str) -> str:
    """The key of the draft that ``resume_code`` opens: HMAC-SHA256 with ``SECRET_KEY``
    (64 hex digits). Without the secret, the database cannot be searched for a code."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"survey-resume:{resume_code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()

