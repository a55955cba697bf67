"""The people app: users and their profiles, the directory, the org chart, imports, accounts."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "watercooler.people"
    label = "people"
    verbose_name = "People"
