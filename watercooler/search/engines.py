"""The two search engines behind one interface: SQLite FTS5 (the embedded default) and
PostgreSQL full-text search (a stored tsvector with a GIN index, ``websearch_to_tsquery``).

An engine only answers *which rows match*, newest first and at most ``limit`` of them; ranking,
permissions and snippets happen above it (``queries.py``) on the live rows, the same way for
both. Why not let the engine rank: ranking every match of a word found in half of a million
posts costs about half a second (docs/search.md), while the newest few hundred matches come
back in a millisecond.

What each engine indexes follows commits inside the database itself, so an edit or a delete is
searchable the moment it commits:
- posts and replies: their ``body``. SQLite keeps an FTS5 index over the live table (external
  content) maintained by triggers; PostgreSQL a generated ``search_vector`` column.
- ``NameEntry`` rows (people, communities, events and files, kept by ``indexing.py``): an FTS5
  index by triggers, or a generated column, the same way; names match by word prefix.

``install`` creates these objects (the migration and ``manage.py reindex`` call it) and
``uninstall`` drops them; both are idempotent.
"""

# ruff: noqa: S608 - every table and column named in this module's SQL is one of its constants;
# what a person typed always travels as a parameter.
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from watercooler.search.language import SearchQuery, word_root

# progress(stage, done, total): how far ``install`` is (``manage.py reindex`` draws the bar).
Progress = Callable[[str, int, int], None]
CHUNK = 20_000

CONTENT_TABLES = {"post": "feed_post", "reply": "feed_reply"}
STAGES = {"post": "posts", "reply": "replies"}
FTS_TABLES = ("search_post_fts", "search_reply_fts", "search_name_fts")  # SQLite's
TRIGGER_EVENTS = ("insert", "delete", "update")
NAME_TABLE = "search_nameentry"


@dataclass(frozen=True)
class ContentFilter:
    """Narrowing a content search to rows of ``feed_post`` (for replies, their post's)."""

    author_id: int | None = None
    community_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    questions_only: bool = False
    unanswered: bool = False
    topic_ids: tuple[int, ...] = ()


class Engine(Protocol):
    name: str

    def content_ids(
        self, kind: str, query: SearchQuery, where: ContentFilter, limit: int
    ) -> list[int]:
        """Ids of ``kind`` ("post" or "reply") whose body matches, newest first."""
        ...

    def name_ids(self, query: SearchQuery, kinds: Sequence[str], limit: int) -> list[int]:
        """``NameEntry`` ids of those kinds matching by word prefix, newest first."""
        ...

    def install(self, progress: Progress) -> None: ...

    def uninstall(self) -> None: ...

    def is_installed(self) -> bool:
        """Whether every object the engine keeps the index with is in place."""
        ...

    def size_bytes(self) -> int: ...


# --- SQLite FTS5 --------------------------------------------------------------------------------


def _fts_string(words: Sequence[str]) -> str:
    # Words are letters and digits only (language.words_of), so quoting cannot be escaped.
    return '"' + " ".join(words) + '"'


class SqliteEngine:
    name = "sqlite-fts5"

    def match_expression(self, query: SearchQuery) -> str:
        """The FTS5 MATCH text for a content search: every word and phrase, minus exclusions."""
        terms = [_fts_string([w]) for w in query.words]
        terms += [_fts_string(p) for p in query.phrases]
        expression = " AND ".join(terms)
        for word in query.excluded:
            expression += f" NOT {_fts_string([word])}"
        return expression

    def content_ids(
        self, kind: str, query: SearchQuery, where: ContentFilter, limit: int
    ) -> list[int]:
        table = CONTENT_TABLES[kind]
        sql, params = _content_conditions(kind, where)
        fts = f"search_{kind}_fts"
        join = f" JOIN {table} t ON t.id = {fts}.rowid" if sql else ""
        if kind == "reply" and sql:
            join += " JOIN feed_post p ON p.id = t.post_id"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {fts}.rowid FROM {fts}{join}"
                f" WHERE {fts} MATCH %s{sql} ORDER BY {fts}.rowid DESC LIMIT %s",
                [self.match_expression(query), *params, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def name_ids(self, query: SearchQuery, kinds: Sequence[str], limit: int) -> list[int]:
        words = [word_root(w) for w in query.all_words()]
        if query.prefix and query.words:
            words[len(query.words) - 1] = query.words[-1]
        expression = " AND ".join(f"{_fts_string([w])}*" for w in words if w)
        if not expression:
            return []
        marks = ", ".join(["%s"] * len(kinds))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT search_name_fts.rowid FROM search_name_fts"
                " JOIN search_nameentry e ON e.id = search_name_fts.rowid"
                f" WHERE search_name_fts MATCH %s AND e.kind IN ({marks})"
                " ORDER BY search_name_fts.rowid DESC LIMIT %s",
                [expression, *kinds, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def install(self, progress: Progress) -> None:
        stemming = "porter " if settings.SEARCH_LANGUAGE == "english" else ""
        with connection.cursor() as cursor:
            for kind, table in CONTENT_TABLES.items():
                fts = f"search_{kind}_fts"
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(body,"
                    f" content='{table}', content_rowid='id',"
                    f" tokenize='{stemming}unicode61 remove_diacritics 2')"
                )
                _sqlite_triggers(cursor, fts, table, "body")
                _sqlite_fill(cursor, fts, table, kind, progress)
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_name_fts USING fts5(title, body,"
                f" content='{NAME_TABLE}', content_rowid='id',"
                " tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
            )
            _sqlite_triggers(cursor, "search_name_fts", NAME_TABLE, "title, body")
            cursor.execute("INSERT INTO search_name_fts(search_name_fts) VALUES ('rebuild')")

    def is_installed(self) -> bool:
        # SQLite remakes a table to alter it in a migration, and the table's triggers go with
        # the old one: the FTS tables stay, no longer following writes.
        expected = {f"{fts}_{event}" for fts in FTS_TABLES for event in TRIGGER_EVENTS}
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            return expected <= {row[0] for row in cursor.fetchall()}

    def uninstall(self) -> None:
        with connection.cursor() as cursor:
            for fts in FTS_TABLES:
                for event in TRIGGER_EVENTS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
                cursor.execute(f"DROP TABLE IF EXISTS {fts}")

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'search_%%'"
                )
            except Exception:  # dbstat is an option SQLite may be built without
                return -1
            return int(cursor.fetchone()[0])


def _sqlite_fill(cursor: Any, fts: str, table: str, kind: str, progress: Progress) -> None:
    """Index every row of ``table`` a chunk of ids at a time (what FTS5's 'rebuild' does in one
    statement), so a rebuild of a million posts can say how far it is; then merge the index's
    segments into one, which keeps queries fast."""
    cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
    cursor.execute(f"SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM {table}")
    first, last = cursor.fetchone()
    total = max(0, last - first + 1)
    for start in range(first, last + 1, CHUNK):
        cursor.execute(
            f"INSERT INTO {fts}(rowid, body) SELECT id, body FROM {table}"
            " WHERE id >= %s AND id < %s",
            [start, start + CHUNK],
        )
        progress(STAGES[kind], min(total, start + CHUNK - first), total)
    cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
    progress(STAGES[kind], total, total)


def _sqlite_triggers(cursor: Any, fts: str, table: str, columns: str) -> None:
    """Keep ``fts`` (external content over ``table``) in step with every write, in the same
    statement: FTS5's documented trigger pattern."""
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    execute = cursor.execute
    execute(
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN"
        f" INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END"
    )
    execute(
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); END"
    )
    execute(
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {columns} ON {table} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});"
        f" INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END"
    )


def _content_conditions(kind: str, where: ContentFilter) -> tuple[str, list[Any]]:
    """SQL (`` AND …``) narrowing content rows; ``t`` is the row, ``p`` its post (for replies)."""
    post = "t" if kind == "post" else "p"
    sql: list[str] = []
    params: list[Any] = []
    if where.author_id is not None:
        sql.append("t.author_id = %s")
        params.append(where.author_id)
    if where.community_id is not None:
        sql.append(f"{post}.community_id = %s")
        params.append(where.community_id)
    if where.since is not None:
        sql.append("t.created_at >= %s")
        params.append(where.since)
    if where.until is not None:
        sql.append("t.created_at < %s")
        params.append(where.until)
    if where.questions_only or where.unanswered:
        sql.append(f"{post}.kind = 'question'")
    if where.unanswered:
        sql.append(f"{post}.accepted_reply_id IS NULL")
    if where.topic_ids:
        marks = ", ".join(["%s"] * len(where.topic_ids))
        sql.append(
            f"{post}.id IN (SELECT post_id FROM feed_post_topics WHERE topic_id IN ({marks}))"
        )
        params.extend(where.topic_ids)
    return "".join(f" AND {s}" for s in sql), params


# --- PostgreSQL ---------------------------------------------------------------------------------


class PostgresEngine:
    name = "postgresql"

    def content_ids(
        self, kind: str, query: SearchQuery, where: ContentFilter, limit: int
    ) -> list[int]:
        table = CONTENT_TABLES[kind]
        sql, params = _content_conditions(kind, where)
        join = " JOIN feed_post p ON p.id = t.post_id" if kind == "reply" and sql else ""
        tsquery, tsparams = self._tsquery(query)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id FROM {table} t{join}"
                f" WHERE t.search_vector @@ ({tsquery}){sql} ORDER BY t.id DESC LIMIT %s",
                [*tsparams, *params, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def _tsquery(self, query: SearchQuery) -> tuple[str, list[Any]]:
        """``websearch_to_tsquery`` over the words, "phrases" and -exclusions, rebuilt from the
        parsed query so operators never reach it."""
        text = " ".join(
            [*query.words, *(f'"{" ".join(p)}"' for p in query.phrases)]
            + [f"-{w}" for w in query.excluded]
        )
        return "websearch_to_tsquery('watercooler_search', %s)", [text]

    def name_ids(self, query: SearchQuery, kinds: Sequence[str], limit: int) -> list[int]:
        words = [word_root(w) for w in query.all_words()]
        if query.prefix and query.words:
            words[len(query.words) - 1] = query.words[-1]
        # to_tsquery's syntax is safe here: words are letters and digits only.
        text = " & ".join(f"{w}:*" for w in words if w)
        if not text:
            return []
        marks = ", ".join(["%s"] * len(kinds))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM search_nameentry WHERE vector @@ to_tsquery('watercooler_names', %s)"
                f" AND kind IN ({marks}) ORDER BY id DESC LIMIT %s",
                [text, *kinds, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def install(self, progress: Progress) -> None:
        language = settings.SEARCH_LANGUAGE
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            for config, copy, dictionary in (
                ("watercooler_search", language, f"{language}_stem"),
                ("watercooler_names", "simple", "simple"),
            ):
                cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config} CASCADE")
                cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = {copy})")
                cursor.execute(
                    f"ALTER TEXT SEARCH CONFIGURATION {config} ALTER MAPPING FOR"
                    f" hword, hword_part, word WITH unaccent, {dictionary}"
                )
            for kind, table in CONTENT_TABLES.items():
                progress(STAGES[kind], 0, 1)
                cursor.execute(
                    f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector"
                    " GENERATED ALWAYS AS"
                    " (to_tsvector('watercooler_search'::regconfig, body)) STORED"
                )
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {table}_search_idx ON {table}"
                    " USING gin (search_vector)"
                )
                progress(STAGES[kind], 1, 1)
            cursor.execute(
                f"ALTER TABLE {NAME_TABLE} ADD COLUMN IF NOT EXISTS vector tsvector"
                " GENERATED ALWAYS AS"
                " (setweight(to_tsvector('watercooler_names'::regconfig, title), 'A')"
                " || setweight(to_tsvector('watercooler_names'::regconfig, body), 'B')) STORED"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {NAME_TABLE}_vector_idx ON {NAME_TABLE}"
                " USING gin (vector)"
            )
            for table in (*CONTENT_TABLES.values(), NAME_TABLE):
                cursor.execute(f"ANALYZE {table}")

    def is_installed(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE column_name IN"
                " ('search_vector', 'vector') AND table_name IN ('feed_post', 'feed_reply',"
                f" '{NAME_TABLE}')"
            )
            return int(cursor.fetchone()[0]) == len(CONTENT_TABLES) + 1

    def uninstall(self) -> None:
        with connection.cursor() as cursor:
            # ALTER TABLE refuses to run while deferred foreign-key checks of this transaction
            # are pending (a caller that wrote rows first): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in CONTENT_TABLES.values():
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
            cursor.execute(f"ALTER TABLE {NAME_TABLE} DROP COLUMN IF EXISTS vector")
            for config in ("watercooler_search", "watercooler_names"):
                cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config} CASCADE")

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(pg_relation_size(indexrelid)), 0) FROM pg_index"
                " WHERE indexrelid::regclass::text LIKE '%%search_idx'"
                " OR indexrelid::regclass::text LIKE '%%vector_idx'"
            )
            indexes = int(cursor.fetchone()[0])
            cursor.execute("SELECT COALESCE(SUM(pg_column_size(search_vector)), 0) FROM feed_post")
            return indexes + int(cursor.fetchone()[0])


def engine_for(db: BaseDatabaseWrapper) -> Engine:
    return PostgresEngine() if db.vendor == "postgresql" else SqliteEngine()


def engine() -> Engine:
    """The engine of the default database."""
    return engine_for(connection)
