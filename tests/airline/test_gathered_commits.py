"""``airline.gathered_commits``: work for after a commit, gathered across its callers into one hand-over, on real
transactions (the callbacks run only when PostgreSQL commits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from airline import gathered_commits

pytestmark = pytest.mark.django_db(transaction=True)


def _unwrapped(callback: Callable[[], None]) -> Callable[[], None]:
    return callback


class Recorder:
    """A flush that records what it is handed, each hand-over apart."""

    def __init__(self) -> None:
        self.handed: list[list[Any]] = []

    def __call__(self, items: list[Any]) -> None:
        self.handed.append(items)


def test_inside_gathering_the_items_of_every_call_are_handed_over_once_when_the_transaction_commits() -> None:
    flush = Recorder()
    with gathered_commits.gathering(transaction.atomic()):
        gathered_commits.on_commit(flush, [1, 2], wrap=_unwrapped)
        gathered_commits.on_commit(flush, [3], wrap=_unwrapped)
        assert flush.handed == [], "nothing before the commit"
    assert flush.handed == [[1, 2, 3]]


def test_each_flush_gets_its_own_items_once() -> None:
    first, second = Recorder(), Recorder()
    with gathered_commits.gathering(transaction.atomic()):
        for flush, items in ((first, [1]), (second, ["a"]), (first, [2]), (second, ["b"])):
            gathered_commits.on_commit(flush, items, wrap=_unwrapped)
    assert (first.handed, second.handed) == ([[1, 2]], [["a", "b"]])


def test_a_rolled_back_transaction_hands_over_nothing_and_the_next_one_starts_afresh() -> None:
    flush = Recorder()
    with pytest.raises(RuntimeError), gathered_commits.gathering(transaction.atomic()):
        gathered_commits.on_commit(flush, [1], wrap=_unwrapped)
        raise RuntimeError("rolled back")
    with gathered_commits.gathering(transaction.atomic()):
        gathered_commits.on_commit(flush, [2], wrap=_unwrapped)
    assert flush.handed == [[2]]


def test_a_gathering_inside_a_caller_s_transaction_hands_over_when_that_one_commits() -> None:
    flush = Recorder()
    with transaction.atomic():
        with gathered_commits.gathering(transaction.atomic()):  # a savepoint
            gathered_commits.on_commit(flush, [1], wrap=_unwrapped)
            gathered_commits.on_commit(flush, [2], wrap=_unwrapped)
        assert flush.handed == []
    assert flush.handed == [[1, 2]]


def test_outside_gathering_each_call_is_handed_over_on_its_own() -> None:
    flush = Recorder()
    with transaction.atomic():
        gathered_commits.on_commit(flush, [1], wrap=_unwrapped)
        gathered_commits.on_commit(flush, [2], wrap=_unwrapped)
    assert flush.handed == [[1], [2]]


def test_without_a_transaction_each_call_is_handed_over_at_once() -> None:
    flush = Recorder()
    gathered_commits.on_commit(flush, [1], wrap=_unwrapped)
    assert flush.handed == [[1]]
    gathered_commits.on_commit(flush, [2], wrap=_unwrapped)
    assert flush.handed == [[1], [2]]


def test_a_failing_flush_is_logged_and_the_commit_kept(caplog: pytest.LogCaptureFixture) -> None:
    def broken(items: list[Any]) -> None:
        raise ConnectionError("broker down")

    after = Recorder()
    with gathered_commits.gathering(transaction.atomic()):
        gathered_commits.on_commit(broken, [1], wrap=_unwrapped)
        gathered_commits.on_commit(after, [2], wrap=_unwrapped)
    assert after.handed == [[2]], "the next callback still runs"
    assert "hand_over" in caplog.text and "broker down" in caplog.text


def test_the_callback_runs_wrapped_as_the_first_call_asked() -> None:
    flush, wrapped = Recorder(), []

    def wrap(callback: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            wrapped.append("in the first call's context")
            callback()

        return run

    with gathered_commits.gathering(transaction.atomic()):
        gathered_commits.on_commit(flush, [1], wrap=wrap)
        gathered_commits.on_commit(flush, [2], wrap=_unwrapped)
    assert (flush.handed, wrapped) == ([[1, 2]], ["in the first call's context"])
