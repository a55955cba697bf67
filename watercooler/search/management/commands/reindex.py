"""``manage.py reindex``: rebuild the search index from the live tables, with a progress bar.

Needed after bulk writes that bypass the ORM's signals (the names of people, communities,
events and files) and after changing SEARCH_LANGUAGE; posts and replies are always indexed by
the database itself. Search keeps answering while it runs on PostgreSQL; on SQLite writers
wait for it.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from watercooler.search.engines import engine
from watercooler.search.indexing import SOURCES, rebuild_names

BAR = 30


class Command(BaseCommand):
    help = "Rebuild the search index (posts, replies, people, communities, events, files)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        self.interactive = self.stdout.isatty()
        search = engine()
        with transaction.atomic():
            search.uninstall()
            search.install(self._bar)
            total = sum(source.model._default_manager.count() for source in SOURCES.values())
            done = 0

            def names(kind: str, count: int) -> None:
                nonlocal done
                done += count
                self._bar("names", done, total)

            rebuild_names(names)
            self._bar("names", total, total)
        size = search.size_bytes()
        self.stdout.write(
            f"Search index rebuilt ({search.name}) in {time.monotonic() - started:.1f} s"
            + (f", {size / 1_048_576:.1f} MB." if size >= 0 else ".")
        )

    def _bar(self, stage: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = round(BAR * share)
        line = f"{stage:>8} [{'#' * filled}{'.' * (BAR - filled)}] {share:4.0%} {done:,}/{total:,}"
        if self.interactive:
            self.stdout.write("\r" + line, ending="\n" if done >= total else "")
            self.stdout.flush()
        elif done >= total or done == 0:
            self.stdout.write(line)
