"""The application served by gunicorn with the production settings (``gunicorn.conf.py``)
for tests that must go through a real server, and a small browser-like client. Both come
from the benchmarks' helpers (``bench/_common.py``, ``bench/_load.py``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

from _common import Instance, Server, start_app_server  # noqa: E402
from _load import Browser, Reply, hidden_fields  # noqa: E402

GUNICORN_AVAILABLE = (Path(sys.executable).parent / "gunicorn").exists()

__all__ = ["GUNICORN_AVAILABLE", "Browser", "Reply", "hidden_fields", "serve"]


@contextmanager
def serve(folder: Path, database_url: str, secret_key: str, **settings: Any
          ) -> Iterator[Server]:
    """gunicorn (2 workers) on ``database_url`` with an instance folder ``folder`` whose
    ``config.py`` holds the secret and ``settings``; stopped afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"SECRET_KEY = {secret_key!r}"] + [f"{k} = {v!r}" for k, v in settings.items()]
    (folder / "config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    server = start_app_server(Instance(folder, database_url, secret_key), workers=2)
    try:
        yield server
    finally:
        server.stop()
