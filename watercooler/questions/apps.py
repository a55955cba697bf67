"""The questions app: questions and their accepted answers.

It has no models: a question is a feed ``Post`` of kind ``question``, and its accepted answer the
post's ``accepted_reply`` and ``accepted_by`` columns. Moving those out of the feed's table would
be a data migration for nothing; this app owns the rules, pages and API around them.
"""

from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "watercooler.questions"
    label = "questions"
    verbose_name = "Questions"

    def ready(self) -> None:
        # Deleting an accepted reply clears the answer: a receiver of the feed's signal, wired
        # here because the feed may not import this app.
        from watercooler.questions import receivers  # noqa: F401
