"""Client digests: keyed, per purpose, and not reversible by hashing every address."""

from __future__ import annotations

import hashlib

from flask import Flask

from core.clients import client_digest


def digest(app: Flask, purpose: str, address: str, secret: str) -> str:
    app.config["SECRET_KEY"] = secret
    with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
        return client_digest(purpose)


def test_digests_depend_on_the_secret_key_the_purpose_and_the_address(app):
    first = digest(app, "sign-in", "192.0.2.10", "one key")
    assert len(first) == 32 and int(first, 16) >= 0
    assert digest(app, "sign-in", "192.0.2.10", "one key") == first
    assert digest(app, "sign-in", "192.0.2.11", "one key") != first
    assert digest(app, "open-link", "192.0.2.10", "one key") != first
    assert digest(app, "sign-in", "192.0.2.10", "another key") != first
    # without the key, hashing all addresses finds nothing
    assert first not in {hashlib.sha256(b"192.0.2.10").hexdigest()[:32],
                         hashlib.sha256(b"sign-in\x00192.0.2.10").hexdigest()[:32]}
