"""A few seconds' memory of who a bearer token stands for, so that a burst of API calls does
not re-read the account each time. The token itself (signature, expiry) is checked on every
call; a change to a user or a role clears this process's memory at commit, and other processes
see it within ``BEARER_CACHE_SECONDS``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from medtrace.platform.actor import Actor

BEARER_CACHE_SECONDS = 5.0
_cache: dict[tuple[int, str], tuple[float, Actor]] = {}
_lock = threading.Lock()


def forget() -> None:
    with _lock:
        _cache.clear()


def remembered(key: tuple[int, str], load: Callable[[], Actor]) -> Actor:
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < BEARER_CACHE_SECONDS:
        return hit[1]
    actor = load()
    with _lock:
        if len(_cache) > 10000:
            _cache.clear()
        _cache[key] = (now, actor)
    return actor
