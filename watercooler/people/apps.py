from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "watercooler.people"
    label = "people"
    verbose_name = "People"
