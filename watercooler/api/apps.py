from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "watercooler.api"
    label = "api"
