"""Who is asking, as little as possible: a keyed digest of the client's address for limits
that must count per client (never the address itself, never a plain hash of it: an
unsalted SHA-256 of an IPv4 address is reversed by trying all 2^32 of them).

Behind a reverse proxy every request comes from the proxy's address; ``TRUSTED_PROXIES``
(the number of proxies in front of the application) makes the address the one the
nearest trusted proxy saw, through werkzeug's ``ProxyFix``."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: an IPv6 client usually holds a whole /64: its addresses count as one client
IPV6_CLIENT_PREFIX = 64


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
    """HMAC-SHA256, keyed with ``SECRET_KEY``, of the current request's client address for
    ``purpose`` (so that digests made for different limits cannot be matched), as 64 hex
    digits. Without the key a digest cannot be tested against candidate addresses."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{purpose}\x00{client_network(request.remote_addr)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def init_app(app: Flask) -> None:
    """Trust ``X-Forwarded-For`` from as many proxies as ``TRUSTED_PROXIES`` says (0: none)."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
