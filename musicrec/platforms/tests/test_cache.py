"""The result cache shared by the outside-service adapters."""

from __future__ import annotations

import re

from musicrec.platforms.cache import MISSING, ResultCache, cache_key


def test_cache_entries_expire_and_evict() -> None:
    now = [0.0]
    cache = ResultCache(maxsize=2, ttl_s=10, clock=lambda: now[0])
    cache.set("a", 1)
    cache.set("b", None)
    assert cache.get("b") is None  # a cached "not found"
    cache.set("c", 3)  # evicts "a", the least recently used

    assert cache.get("a") is MISSING
    now[0] = 11.0
    assert cache.get("c") is MISSING


def test_cache_key_names_method_and_arguments() -> None:
    key = cache_key("spotify:v1", "search", 'track:"Stay"', 10)

    assert key.startswith("spotify:v1:search:")
    assert key != cache_key("spotify:v1", "search", 'track:"Stay"', 5)
    assert re.fullmatch(r"[a-z0-9:]+", key)  # safe for memcached-style backends
