"""The skills exchange: colleagues offer help (and mentoring) and ask for it, get matched, and
thank each other; thanks count as evidence in search's people finder."""

from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "watercooler.skills"
    label = "skills"
    verbose_name = "Skills exchange"

    def ready(self) -> None:
        # Thanks are evidence in the people finder: registered into search's registry.
        from watercooler.skills import queries

        queries.register()
