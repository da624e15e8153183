"""Django's Redis cache backend, without two costs it pays per operation, and with one operation more.

Django's client builds a new ``redis.Redis`` object for each operation, which costs about as much as the
round trip itself with redis-py 8, and takes a connection from the pool and gives it back each time (a
readiness check and bookkeeping, a third of a command's cost); and its ``incr`` is two round trips
(EXISTS, then INCRBY) that can recreate a key without expiry if it expires in between. This backend keeps
one single-connection ``redis.Redis`` per thread (and process) and increments in one atomic round trip,
Django's contract unchanged. ``count_and_get`` counts a request and reads an entry in a single round trip,
for the API's fast path (``airline.throttling``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

from django.core.cache.backends import redis as django_redis
from redis.exceptions import NoScriptError


class _Script:
    """A Lua script run by its SHA1 (a shorter command to send than the script), loaded on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sha = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()

    def __call__(self, client: Any, keys: tuple[str, ...], *args: Any) -> Any:
        try:
            return client.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:  # the first call since Redis started or its scripts were flushed: EVAL loads it
            return client.eval(self.text, len(keys), *keys, *args)


# INCRBY only when the key exists (nil otherwise).
_INCR_EXISTING = _Script("if redis.call('exists',KEYS[1])==1 then return redis.call('incrby',KEYS[1],ARGV[1]) end")
# INCR a counter, giving it its expiry when it is new, and GET another key.
_COUNT_AND_GET = _Script(
    "local n=redis.call('incr',KEYS[1]) if n==1 then redis.call('expire',KEYS[1],ARGV[1]) end "
    "return {n,redis.call('get',KEYS[2])}"
)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        # A thread's clients go (and give their connection back) with it. The process id is in the key so
        # that a forked child never writes to its parent's socket; pools live as long as this object, so
        # their ids stay unique.
        clients = self._local.__dict__.setdefault("clients", {})
        client = clients.get((os.getpid(), id(pool)))
        if client is None:
            client = self._client(connection_pool=pool, single_connection_client=True)
            clients[(os.getpid(), id(pool))] = client
        return client

    def incr(self, key: str, delta: int) -> int:
        value = _INCR_EXISTING(self.get_client(key, write=True), (key,), delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def count_and_get(self, counter_key: str, timeout: int, key: str) -> tuple[int, Any]:
        count, value = _COUNT_AND_GET(self.get_client(key, write=True), (counter_key, key), timeout)
        return count, None if value is None else self._serializer.loads(value)


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the client above."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count_and_get(self, counter_key: str, timeout: int, key: str) -> tuple[int, Any]:
        """Add one to the counter ``counter_key`` (a new counter expires after ``timeout`` seconds) and get
        ``key``, in one round trip: the count, and the value (None when missing)."""
        return self._cache.count_and_get(self.make_key(counter_key), timeout, self.make_key(key))
