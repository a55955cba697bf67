"""The search app: one search over everything a person may see, type-ahead suggestions and
the people finder ("who knows about…"), on SQLite FTS5 or PostgreSQL full-text search."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "watercooler.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Keeping names searchable follows the writes of earlier apps through model signals,
        # and the directory asks this app's people search through people's registry.
        from django.db.models.signals import post_migrate

        from watercooler.search import indexing, queries

        indexing.connect()
        queries.register()
        post_migrate.connect(indexing.repair_after_migrate, sender=self)
