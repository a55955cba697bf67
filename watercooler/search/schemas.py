"""The search API's shapes: one item shape for results and suggestions, and the experts."""

import datetime as dt

from ninja import Field, Schema

# The API takes up to 20 KB of ``q`` (the search reads its first 500 characters and says so
# in ``notes``); more is refused as bad input (422 on ``q``).
MAX_Q = 20_000


class SearchItemOut(Schema):
    type: str = Field(description="post, reply, person, community, topic, event or file.")
    id: int
    title: str
    snippet: str = Field(
        description="Text around the match, HTML-escaped, the matching words in <mark>."
    )
    url: str = Field(description="The page of the result.")
    created_at: dt.datetime | None = None
    username: str | None = Field(None, description="A person's username.")
    handle: str | None = Field(None, description="A community's handle.")
    name: str | None = Field(None, description="A topic's name.")
    kind: str | None = Field(None, description="A post's kind: post, question or poll.")
    answered: bool | None = Field(None, description="A question: whether it has an answer.")
    accepted_answer: str | None = Field(
        None, description="A question's accepted answer, as a snippet."
    )


class SearchPageOut(Schema):
    items: list[SearchItemOut]
    next_cursor: str | None
    notes: list[str] = Field(description="What was left out of the query, and why.")


class SuggestOut(Schema):
    items: list[SearchItemOut]


class SearchQueryIn(Schema):
    q: str = Field("", max_length=MAX_Q, description='Words, "phrases" and operators.')
    type: str | None = Field(
        None,
        description="Only this type: post, reply, person, community, topic, event, file,"
        " or question (posts that are questions).",
    )
    author: str | None = Field(None, max_length=150, description="A username (as from:).")
    community: str | None = Field(None, max_length=40, description="A handle (as in:).")
    since: dt.date | None = Field(None, description="Created on or after this day.")
    until: dt.date | None = Field(None, description="Created on or before this day.")
    cursor: str | None = Field(None, max_length=1000, description="`next_cursor` of a page.")
    limit: int = Field(20, ge=1, le=50)


class SuggestQueryIn(Schema):
    q: str = Field("", max_length=MAX_Q)


class EvidenceOut(Schema):
    kind: str = Field(description="skill, accepted_answer, reply, post, topic, event or thanks.")
    text: str
    url: str


class ExpertOut(Schema):
    username: str
    display_name: str
    title: str
    score: float
    evidence: list[EvidenceOut]


class ExpertsOut(Schema):
    items: list[ExpertOut]


class ExpertsQueryIn(Schema):
    q: str = Field("", max_length=MAX_Q, description='The subject: words or a "phrase".')
