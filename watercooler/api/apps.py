"""The API app: wires each app's router into the one NinjaAPI at /api/v1 (see ``api.py``)."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "watercooler.api"
    label = "api"
