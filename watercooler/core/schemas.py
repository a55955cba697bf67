"""Schemas every API router shares: the error shape, so each endpoint can document its errors."""

from ninja import Schema


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """Every error response: a sentence for people, and which input fields were wrong."""

    detail: str
    errors: list[ErrorItem]
