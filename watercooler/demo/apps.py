"""The demo app: the demo organisation and ``manage.py demo``; last in the app order."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "watercooler.demo"
    label = "demo"
    verbose_name = "Demo organisation"

    def ready(self) -> None:
        from watercooler.core.signin_help import register_sign_in_help
        from watercooler.demo.people import demo_sign_in_help

        # The server's start banner names the demo accounts (core cannot import this app).
        register_sign_in_help(demo_sign_in_help)
