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

AMQP_SCHEMES = ("amqp://", "amqps://", "pyamqp://")


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
        # No countdown or ETA is ever longer than this (see EVENTS_MAX_COUNTDOWN_SECONDS). A worker takes its
        # queues in the order of CELERY_TASK_QUEUES, not in turn: the subscribers' work before the sending.
        return {
            "visibility_timeout": 1800,
            "socket_connect_timeout": 2,
            "socket_timeout": 10,
            "queue_order_strategy": "priority",
        }
    return {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        # Kombu's default is ./control, beside the code.
        "control_folder": str(broker_dir / "control"),
        "store_processed": False,
    }
