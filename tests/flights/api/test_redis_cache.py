"""The project's Redis cache backend: Django's contract kept, one client per thread, one round trip for a
throttle's batch of counts."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.cache import cache, caches

from airline.redis_cache import RedisCache, _Script


@pytest.fixture
def backend() -> RedisCache:
    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    return backend


def test_incr_keeps_djangos_contract(backend: RedisCache) -> None:
    with pytest.raises(ValueError, match="not found"):
        backend.incr("counter")
    backend.set("counter", 5, timeout=100)

    assert backend.incr("counter") == 6
    assert backend.incr("counter", 10) == 16
    assert backend.decr("counter") == 15
    assert 0 < backend._cache.get_client().ttl(backend.make_key("counter")) <= 100


def test_add_to_counter_adds_batches_with_the_expiry_of_a_new_counter(backend: RedisCache) -> None:
    assert backend.add_to_counter("hits", 10, 60) == 10
    backend._cache.get_client().expire(backend.make_key("hits"), 30)
    assert backend.add_to_counter("hits", -3, 60) == 7

    assert cache.get("hits") == 7  # the counter is an ordinary integer entry
    assert 0 < backend._cache.get_client().ttl(backend.make_key("hits")) <= 30  # its expiry is not pushed back


def test_each_thread_has_its_own_client(backend: RedisCache) -> None:
    clients = []
    thread = threading.Thread(target=lambda: clients.append(backend._cache.get_client()))
    thread.start()
    thread.join()

    assert backend._cache.get_client() is backend._cache.get_client()
    assert clients[0] is not backend._cache.get_client()


def test_a_script_redis_does_not_know_yet_is_loaded(backend: RedisCache) -> None:
    script = _Script(f"return ARGV[1] -- {uuid.uuid4()}")  # never sent before: EVALSHA fails, EVAL loads it

    assert script(backend._cache.get_client(), (), "first") == b"first"
    assert script(backend._cache.get_client(), (), "again") == b"again"
