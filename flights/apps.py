from django.apps import AppConfig


class FlightsConfig(AppConfig):
    name = "flights"

    def ready(self) -> None:
        from . import gate_cache

        gate_cache.connect_signals()
