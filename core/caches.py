"""The worker's caches, all made here with ``cachetools``: bounded, and safe to share between
a worker's threads.

* :func:`worker_cache`: data read from the database, kept per application (each app made
  by ``create_app`` has its own, so tests and workers never share one) under a name in
  ``app.extensions``; least recently used entries go first, and with ``ttl`` an entry is
  dropped that many seconds after it was put. What makes an entry stale (a wave's data
  version, an instrument being frozen) stays the caller's: it is part of the key or checked
  on the value.

A pure function's results are kept with ``functools.lru_cache`` instead.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from threading import Lock
from typing import Any

from cachetools import LRUCache, TTLCache
from flask import current_app


class WorkerCache:
    """A bounded mapping guarded by a lock (``cachetools`` caches are not thread-safe)."""

    def __init__(self, maxsize: int, ttl: float | None = None) -> None:
        self._data: LRUCache = (TTLCache(maxsize, ttl, timer=time.monotonic) if ttl
                                else LRUCache(maxsize))
        self._lock = Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The entry for ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            return self._data.get(key, default)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


def worker_cache(name: str, maxsize: int, ttl: float | None = None) -> WorkerCache:
    """The current application's cache ``name``, made on first use."""
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions.setdefault(name, WorkerCache(maxsize, ttl))
    return cache
