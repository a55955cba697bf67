"""The search index's names, written once after every other builder.

People (and the memberships and skills around them) go in with ``bulk_create``, which sends
none of the signals that keep names searchable as they change, so the last step writes every
name entry afresh (``search.indexing.rebuild_names``). Posts and replies need nothing: the
database indexes them as they are written.
"""

from watercooler.demo.context import DemoContext
from watercooler.search.indexing import rebuild_names


def build(ctx: DemoContext) -> None:
    ctx.log(f"search: {rebuild_names()} names")
