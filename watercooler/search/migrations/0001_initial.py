"""The names index, expert asks, and each engine's full-text objects (``engines.install``)."""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from watercooler.search.engines import engine_for


def install_engine(apps: Any, schema_editor: Any) -> None:
    engine_for(schema_editor.connection).install(lambda _stage, _done, _total: None)


def uninstall_engine(apps: Any, schema_editor: Any) -> None:
    engine_for(schema_editor.connection).uninstall()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("feed", "0008_move_announcements_to_their_app"),
        ("communities", "0001_initial"),
        ("events", "0001_initial"),
        ("people", "0004_team_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameEntry",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("kind", models.CharField(max_length=10)),
                ("object_id", models.BigIntegerField()),
                ("title", models.TextField()),
                ("body", models.TextField(blank=True)),
            ],
            options={"verbose_name_plural": "name entries"},
        ),
        migrations.CreateModel(
            name="ExpertAsk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "asker",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "expert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="expert_asks",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="feed.post",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("question", "expert"), name="expert_ask_once"
                    )
                ]
            },
        ),
        migrations.RunPython(install_engine, uninstall_engine, elidable=False),
    ]
