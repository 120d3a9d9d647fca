"""Who is asking, without storing who: a keyed digest of the client's address.

Limits such as sign-in throttling must recognise a client again without keeping its address.
A plain hash of an IPv4 address is reversed by trying all four billion of them, so the digest
is an HMAC keyed with a key derived from ``SECRET_KEY``: without the key it says nothing, and
the purpose is part of the message, so digests made for different purposes cannot be joined.

The address is ``request.remote_addr``: behind reverse proxies it is the client's own only
when ``TRUSTED_PROXY_COUNT`` says how many proxies add to ``X-Forwarded-For`` (see
:func:`trust_proxies`); otherwise every client would look like the proxy."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: length of a digest in hexadecimal characters (128 bits)
DIGEST_LENGTH = 32


def keyed_digest(purpose: str, *parts: str) -> str:
    """HMAC-SHA256 of ``parts`` for ``purpose``, keyed with the application's secret."""
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    key = hmac.new(secret, b"medarbetardialog client digest", hashlib.sha256).digest()
    message = "\x00".join((purpose, *parts)).encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:DIGEST_LENGTH]


def client_digest(purpose: str) -> str:
    """The current request's client address as a keyed digest for ``purpose``."""
    return keyed_digest(purpose, request.remote_addr or "-")


def trust_proxies(app: Flask) -> None:
    """Take the client address and scheme from the ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` headers added by the ``TRUSTED_PROXY_COUNT`` reverse proxies in
    front of the application. With none, the headers are ignored: anyone can send them."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
