"""Who is asking, without storing who: a keyed digest of the client's address.

Limits such as sign-in throttling and the open-link allowance must recognise a client again
without keeping its address. A plain hash of an IPv4 address is reversed by trying all four
billion of them, so the digest is an HMAC keyed with a key derived from ``SECRET_KEY``:
without the key it says nothing, and the purpose is part of the message, so digests made for
different purposes cannot be joined. An IPv6 client usually holds a whole /64, so its
addresses count as one client.

The address is ``request.remote_addr``: behind reverse proxies it is the client's own only
when ``TRUSTED_PROXY_COUNT`` says how many proxies add to ``X-Forwarded-For`` (see
:func:`trust_proxies`); otherwise every client would look like the proxy."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: length of a digest in hexadecimal characters (128 bits)
DIGEST_LENGTH = 32
#: an IPv6 client usually holds a whole /64: its addresses count as one client
IPV6_CLIENT_PREFIX = 64


def keyed_digest(purpose: str, *parts: str) -> str:
    """HMAC-SHA256 of ``parts`` for ``purpose``, keyed with the application's secret."""
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    key = hmac.new(secret, b"medarbetardialog client digest", hashlib.sha256).digest()
    message = "\x00".join((purpose, *parts)).encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:DIGEST_LENGTH]


def client_network(address: str | None) -> str:
    """The part of ``address`` that names one client: an IPv4 address as it is, an IPv6
    address as its /64 network; "-" when there is none."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "-"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)


def client_digest(purpose: str) -> str:
    """The current request's client (see :func:`client_network`) as a keyed digest for
    ``purpose``."""
    return keyed_digest(purpose, client_network(request.remote_addr))


def trust_proxies(app: Flask) -> None:
    """Take the client address and scheme from the ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` headers added by the ``TRUSTED_PROXY_COUNT`` reverse proxies in
    front of the application. With none, the headers are ignored: anyone can send them."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
