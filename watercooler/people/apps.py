"""The people app: users and their profiles, the directory, the org chart, imports, accounts."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "watercooler.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from watercooler.core.media import register_token_owner
        from watercooler.people.actions import authenticate_api_token, forget_api_tokens
        from watercooler.people.models import ApiToken, User

        # Apps fetch the files the API hands out with their bearer token.
        register_token_owner(authenticate_api_token)
        # A revoked token or a changed owner stops answering at once in this process.
        for model in (ApiToken, User):
            post_save.connect(forget_api_tokens, sender=model, dispatch_uid=f"tokens-{model}")
            post_delete.connect(forget_api_tokens, sender=model, dispatch_uid=f"tokens-d-{model}")
