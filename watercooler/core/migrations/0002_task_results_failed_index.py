"""An index for /healthz's count of recent task failures (core/taskhealth.py).

django-tasks-db indexes only READY rows; counting the failures of the last hour would otherwise
read the whole results table on every health check. The index holds FAILED rows only, so it
stays small. The SQL is the same on SQLite and PostgreSQL (both have partial indexes).
"""

from django.db import migrations

INDEX = "core_taskresult_failed_idx"
TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {INDEX} ON {TABLE} (finished_at) WHERE status = 'FAILED'",
            reverse_sql=f"DROP INDEX {INDEX}",
        ),
    ]
