"""The skills exchange's API shapes."""

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from watercooler.people.schemas import PersonRef
from watercooler.skills.models import Mode, RequestStatus


class StrictInput(Schema):
    """Unknown fields are an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class OfferIn(StrictInput):
    skill: str = Field(description="What you can teach or help with.")
    description: str = ""
    time_commitment: str = Field("", description="How much time, e.g. “an hour a week”.")
    mode: Mode = Mode.EITHER
    location: str = Field("", description="The name of a location, for help in person.")
    is_mentoring: bool = False
    places: int | None = Field(None, description="Mentoring: how many mentees (1 to 50).")


class OfferOut(Schema):
    id: int
    person: PersonRef
    skill: str
    description: str
    time_commitment: str
    mode: str
    location: str | None
    is_mentoring: bool
    places: int | None
    places_taken: int | None = None
    created_at: dt.datetime
    closed_at: dt.datetime | None
    url: str


class RequestIn(StrictInput):
    skill: str = Field(description="What you need help with.")
    description: str = ""
    needed_by: dt.date | None = None
    mode: Mode = Mode.EITHER
    location: str = ""


class RequestOut(Schema):
    id: int
    person: PersonRef
    skill: str
    description: str
    needed_by: dt.date | None
    mode: str
    location: str | None
    status: str = Field(description="open, matched, done or withdrawn.")
    helper: PersonRef | None
    created_at: dt.datetime
    matched_at: dt.datetime | None
    closed_at: dt.datetime | None
    url: str


class HelperOut(Schema):
    person: PersonRef
    reason: str
    offer_id: int | None


class RequestDetailOut(RequestOut):
    suggested: list[HelperOut] = Field(description="Who could help: offers that fit, experts.")


class OfferPage(Schema):
    items: list[OfferOut]
    next_cursor: str | None


class RequestPage(Schema):
    items: list[RequestOut]
    next_cursor: str | None


class ExchangeQuery(Schema):
    q: str = Field("", max_length=200, description="Words in the skill or description.")
    location: str = Field("", max_length=120)
    department: str = Field("", max_length=120)
    remote: bool = Field(False, description="Only help that can be given remotely.")
    cursor: str | None = Field(None, max_length=1000)
    limit: int = Field(20, ge=1, le=100)


class RequestQuery(ExchangeQuery):
    status: RequestStatus = RequestStatus.OPEN


class MatchIn(StrictInput):
    username: str = Field(max_length=150, description="Who helps.")


class ThanksIn(StrictInput):
    username: str = Field(max_length=150)
    request_id: int | None = Field(None, ge=1, le=2**63 - 1)
    message: str


class ThanksOut(Schema):
    id: int
    sender: PersonRef
    recipient: PersonRef
    request_id: int | None
    message: str
    created_at: dt.datetime


class ApplyIn(StrictInput):
    message: str = ""


class ApplicationOut(Schema):
    id: int
    offer_id: int
    applicant: PersonRef
    message: str
    status: str = Field(description="pending, accepted or declined.")
    created_at: dt.datetime
    decided_at: dt.datetime | None


class OfferDetailOut(OfferOut):
    applications: list[ApplicationOut] = Field(
        description="All of them for the mentor; your own for anyone else."
    )
    fitting_requests: list[RequestOut]


class MenteesOut(Schema):
    items: list[ApplicationOut]
