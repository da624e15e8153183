from django.apps import AppConfig


class RebookingConfig(AppConfig):
    name = "rebooking"
