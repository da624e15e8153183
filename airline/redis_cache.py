"""Django's Redis cache backend, without two costs it pays per operation, and with one operation more.

Django's client builds a new ``redis.Redis`` object for each operation, which costs about as much as the
round trip itself with redis-py 8, and takes a connection from the pool and gives it back each time (a
readiness check and bookkeeping, a third of a command's cost); and its ``incr`` is two round trips
(EXISTS, then INCRBY) that can recreate a key without expiry if it expires in between. This backend keeps
one single-connection ``redis.Redis`` per thread (and process) and increments in one atomic round trip,
Django's contract unchanged. Two operations more, for the API's fast path: ``tracked_get`` reads from this
thread's copy of Redis values kept fresh by Redis (``airline.tracked_cache``), and ``add_to_counter`` adds a
batch of requests to a throttle counter in one round trip (``airline.throttling``). For that copy's sake,
each write (``set``, ``delete``, ``set_many``, ``delete_many``, ``clear``) costs one round trip more: it returns
once every copy's invalidation is on its way (``airline.tracked_cache``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

import redis
from django.core.cache.backends import redis as django_redis
from redis.exceptions import NoScriptError

from airline.tracked_cache import TrackedCache


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
# INCRBY a counter, giving it its expiry when it has none yet (a new counter).
_ADD_TO_COUNTER = _Script(
    "local n=redis.call('incrby',KEYS[1],ARGV[1]) redis.call('expire',KEYS[1],ARGV[2],'NX') return n"
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

    def tracked(self) -> TrackedCache:
        """This thread's (and process's) copy of values read from the first server, kept fresh by Redis."""
        copies = self._local.__dict__.setdefault("tracked", {})
        copy = copies.get(os.getpid())
        if copy is None:
            options = {name: value for name, value in self._pool_options.items() if name != "parser_class"}
            pool = redis.ConnectionPool.from_url(self._servers[0], protocol=3, **options)
            copy = copies[os.getpid()] = TrackedCache(pool, self._serializer.loads)
        return copy

    # Writes return once Redis has written every tracking connection's invalidation of what they changed
    # (``airline.tracked_cache``): the next lookup anywhere sees the change.
    def set(self, key: str, value: Any, timeout: int | None) -> None:
        super().set(key, value, timeout)
        self._invalidations_written(key)

    def delete(self, key: str) -> bool:
        deleted = super().delete(key)
        self._invalidations_written(key)
        return deleted

    def set_many(self, data: dict[str, Any], timeout: int | None) -> None:
        super().set_many(data, timeout)
        self._invalidations_written(None)

    def delete_many(self, keys: list[str]) -> None:
        super().delete_many(keys)
        self._invalidations_written(None)

    def clear(self) -> bool:
        cleared = super().clear()
        self._invalidations_written(None)
        return cleared

    def _invalidations_written(self, key: str | None) -> None:
        """One round trip after a write's reply. Redis writes a write's reply and the invalidation pushes it
        caused in the same pass over its clients, the reply possibly first; a command sent after the reply
        arrived is answered in a later pass, so its answer comes once every push is in its socket."""
        self.get_client(key, write=True).ping()

    def incr(self, key: str, delta: int) -> int:
        value = _INCR_EXISTING(self.get_client(key, write=True), (key,), delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def add_to_counter(self, key: str, amount: int, timeout: int) -> int:
        return _ADD_TO_COUNTER(self.get_client(key, write=True), (key,), amount, timeout)


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the client above."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def tracked_get(self, key: str) -> Any:
        """The value of ``key`` from this thread's copy kept fresh by Redis (``airline.tracked_cache``): no round
        trip unless the copy lacks it; None when missing. Raises ``RedisError`` when Redis is unreachable."""
        return self._cache.tracked().get(self.make_key(key))

    def add_to_counter(self, key: str, amount: int, timeout: int) -> int:
        """Add ``amount`` (may be negative) to the counter ``key``, which expires ``timeout`` seconds after it
        was created, in one round trip: the new total."""
        return self._cache.add_to_counter(self.make_key(key), amount, timeout)
