"""A copy of Redis values in this process, kept fresh by Redis itself: server-assisted client-side caching.

The copy is read over one RESP3 connection of its own with ``CLIENT TRACKING ON`` (default mode): Redis
remembers which keys this connection read and, when one of them is written, deleted, expires or is evicted
(or the database is flushed), pushes an ``invalidate`` message on it. Before each lookup the connection is
polled without waiting (a non-blocking ``recv``, no round trip) and every pending invalidation is applied, so
a hit costs no Redis command and a change is seen by the first lookup after the write's reply.

Why ordering holds: Redis queues the push to this connection while it executes the write, and writes it out
in the same pass over its clients as the writer's reply, but not necessarily before that reply; so a writer
makes one more round trip after its write (``airline.redis_cache``'s writes do) and returns only once that
is answered, in a later pass: by then the push is in this socket, and any request made after the write
returned polls it. A read racing a write is safe either way: a push that precedes the reply concerns an
older read, and one that follows it is applied by the next lookup.

Failure modes: any error on the connection (Redis down, restarted, the connection killed) forgets the whole
copy and raises ``RedisError``, so the caller falls back to its uncached path; every (re)connection forgets
it too, since pushes sent while disconnected are lost. redis-py's own client-side cache does the same but
needs Redis 7.4 or later; ``CLIENT TRACKING`` is Redis 6.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis
from redis.exceptions import RedisError, TimeoutError

logger = logging.getLogger(__name__)


class TrackedCache:
    """Values of Redis keys, each read from Redis once and then from memory until Redis invalidates it.

    One per thread: the connection is not shared, and a copy is only as fresh as the connection that read it.
    """

    def __init__(self, pool: redis.ConnectionPool, loads: Callable[[bytes], Any]) -> None:
        self._pool = pool
        self._loads = loads
        self._values: dict[str, Any] = {}
        self._connection: Any = None

    def get(self, key: str) -> Any:
        """The value of the Redis key ``key``, or None when there is none (absent values are not remembered).

        Raises ``RedisError`` when Redis cannot be reached; the whole copy is forgotten first.
        """
        try:
            connection = self._connected()
            self._apply_invalidations(connection)
            if key in self._values:
                return self._values[key]
            connection.send_command("GET", key)
            raw = connection.read_response()
        except RedisError:
            self.forget()
            raise
        if raw is None:
            return None
        value = self._values[key] = self._loads(raw)
        return value

    def forget(self) -> None:
        """Drop every value and the connection (the next lookup reconnects and reads from Redis again)."""
        self._values.clear()
        if self._connection is not None:
            self._connection.disconnect()
            self._connection = None

    def _connected(self) -> Any:
        if self._connection is None:
            connection = self._pool.make_connection()
            # redis-py reconnects on its own after some errors: tracking must be switched on each time.
            connection.register_connect_callback(self._track)
            connection.connect()
            self._connection = connection
        return self._connection

    def _track(self, connection: Any) -> None:
        self._values.clear()  # invalidations sent while this process was not connected are lost
        connection.send_command("CLIENT", "TRACKING", "ON")
        connection.read_response()
        connection._parser.set_invalidation_push_handler(self._invalidated)

    @staticmethod
    def _apply_invalidations(connection: Any) -> None:
        # A closed connection reads as readable, then raises ConnectionError: the caller forgets everything.
        while connection.can_read(timeout=0):
            try:
                connection.read_response(push_request=True, timeout=0, disconnect_on_error=False)
            except TimeoutError:  # part of a message so far: the rest is read on the next lookup
                break

    def _invalidated(self, message: list[Any]) -> None:
        keys = message[1]
        if keys is None:  # FLUSHDB / FLUSHALL
            self._values.clear()
            return
        for key in keys:
            self._values.pop(key.decode() if isinstance(key, bytes) else key, None)
