from django.apps import AppConfig
from django.core import checks


class FlightsConfig(AppConfig):
    name = "flights"

    def ready(self) -> None:
        from . import gate_cache
        from .checks import check_drills_in_production

        gate_cache.connect_signals()
        checks.register(check_drills_in_production, deploy=True)
