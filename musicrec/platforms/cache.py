"""A small result cache for outside services: in-process LRU with a TTL, optional shared store.

Adapters cache what they fetched so that re-running an import or an analysis does not call the
service again; the lead plugs Django's cache in as the shared store, so the cache also survives
a worker restart and is shared between workers.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

MISSING: Any = object()  # returned by ResultCache.get on a miss


class ResultCache:
    """In-process LRU cache with a TTL, optionally backed by a shared store.

    `backend_get(key)` returns the stored value or None; `backend_set(key, value)` stores it (the
    backend owns its own expiry), so Django's cache plugs in as `cache.get` and
    `lambda k, v: cache.set(k, v, ttl)`. Values are stored wrapped in a 1-tuple so that a
    remembered "not found" (None) is told apart from a miss.
    """

    def __init__(
        self,
        *,
        maxsize: int = 4096,
        ttl_s: float = 7 * 24 * 3600,
        backend_get: Callable[[str], Any] | None = None,
        backend_set: Callable[[str, Any], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.maxsize = maxsize
        self.ttl_s = ttl_s
        self._backend_get = backend_get
        self._backend_set = backend_set
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        """The cached value (possibly None, a remembered "not found"), or `MISSING`."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                expires, value = item
                if expires > self._clock():
                    self._items.move_to_end(key)
                    return value
                del self._items[key]
        if self._backend_get is not None:
            stored = self._backend_get(key)
            if isinstance(stored, tuple) and len(stored) == 1:
                self._remember(key, stored[0])
                return stored[0]
        return MISSING

    def set(self, key: str, value: Any) -> None:
        self._remember(key, value)
        if self._backend_set is not None:
            self._backend_set(key, (value,))

    def _remember(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = (self._clock() + self.ttl_s, value)
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def cache_key(namespace: str, method: str, *args: Any) -> str:
    """A short, backend-safe key naming the service, the method and a digest of its arguments."""
    payload = json.dumps([method, *args], ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()
    return f"{namespace}:{method}:{digest}"
