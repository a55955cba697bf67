"""The people app: users and their profiles, the directory, the org chart, imports, accounts."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "watercooler.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from watercooler.core.media import register_token_owner
        from watercooler.people.actions import authenticate_api_token

        # Apps fetch the files the API hands out with their bearer token.
        register_token_owner(authenticate_api_token)
