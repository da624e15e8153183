"""The Celery broker: its queues and its transport options, for Redis, RabbitMQ or Kombu's file system.

RabbitMQ is the production choice (docs/operations.md §3): durable quorum queues survive a broker restart
and publisher confirms make a publish return only once the broker holds the message. The queues are
declared the same for every broker (Redis and the file system ignore queue arguments); their exchanges
are topic exchanges because Celery's native delayed delivery, which carries countdowns on quorum queues,
cannot route through direct ones.
"""

from __future__ import annotations

from pathlib import Path

from kombu import Exchange, Queue
from kombu.utils.scheduling import round_robin_cycle

AMQP_SCHEMES = ("amqp://", "amqps://", "pyamqp://")

PASSENGER_MESSAGE_QUEUE = "passenger-messages"
"""The queue of passenger message sends, which a worker on Redis takes from only when the others are empty."""


class SendingLastCycle(round_robin_cycle):
    """The order in which a worker on Redis asks for its queues (kombu's ``queue_order_strategy``): in turn, the one
    it last took a message from going to the back, as kombu's ``round_robin``, but with
    ``PASSENGER_MESSAGE_QUEUE`` always behind every other queue.

    So a disruption's deliveries are handled before its thousands of emails are sent, and the subscribers' queues
    still share the worker: under kombu's ``priority`` order the first of them was taken from whenever it had a
    message, so its deliveries were claimed one at a time as they were published, never in batches (fan-out at
    43–47 % of plain Celery; docs/adr/0015, bench/README.md)."""

    def update(self, it: list[str]) -> None:
        """Take the worker's queues (kombu calls it when they change)."""
        super().update(it)
        self._sending_last()

    def rotate(self, last_used: str) -> str:
        """Move the queue a message was just taken from to the back, ahead of the sending queue."""
        super().rotate(last_used)
        self._sending_last()
        return last_used

    def _sending_last(self) -> None:
        if PASSENGER_MESSAGE_QUEUE in self.items:
            self.items.remove(PASSENGER_MESSAGE_QUEUE)
            self.items.append(PASSENGER_MESSAGE_QUEUE)


def is_amqp(url: str) -> bool:
    """Whether ``url`` names a RabbitMQ (AMQP 0.9.1) broker."""
    return url.startswith(AMQP_SCHEMES)


def task_queues(names: tuple[str, ...]) -> list[Queue]:
    """Durable quorum queues, each bound to its own topic exchange by its name."""
    return [
        Queue(name, Exchange(name, type="topic"), routing_key=name, queue_arguments={"x-queue-type": "quorum"})
        for name in names
    ]


def transport_options(url: str, broker_dir: Path) -> dict[str, object]:
    """Kombu's transport options for the broker at ``url`` (``broker_dir`` holds the file-system broker)."""
    if is_amqp(url):
        return {"confirm_publish": True}
    if url.startswith(("redis://", "rediss://")):
        # No countdown or ETA is ever longer than this (see EVENTS_MAX_COUNTDOWN_SECONDS).
        return {
            "visibility_timeout": 1800,
            "socket_connect_timeout": 2,
            "socket_timeout": 10,
            "queue_order_strategy": f"{__name__}:{SendingLastCycle.__name__}",
        }
    return {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        # Kombu's default is ./control, beside the code.
        "control_folder": str(broker_dir / "control"),
        "store_processed": False,
    }
