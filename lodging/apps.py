from django.apps import AppConfig


class LodgingConfig(AppConfig):
    name = "lodging"
