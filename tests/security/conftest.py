"""The security suite runs against a copy of the demo city with production settings (CSRF on)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.demo_site import app_for, demo_copy, session_workdir


@pytest.fixture(scope="module")
def site(tmp_path_factory, request) -> Iterator[Flask]:
    """The demo city as it runs in production: CSRF protection on."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    app = app_for(demo_copy(session_workdir(tmp_path_factory), f"security-{name}"))
    yield app
    app.extensions["db_engine"].dispose()
