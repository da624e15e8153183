from importlib import import_module

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.module_loading import autodiscover_modules

from .checks import check_subscription_queues


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events and deliveries"

    def ready(self) -> None:
        # Each consumer app registers its own handlers in <app>/subscribers.py.
        autodiscover_modules("subscribers")
        for module in settings.EVENTS_EXTRA_SUBSCRIBER_MODULES:
            import_module(module)
        # Once every subscriber has registered itself: each one's queue must be one a worker consumes.
        checks.register(check_subscription_queues)
