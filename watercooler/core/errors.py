"""Turning Django's validation errors into the product's error shape.

Pages and the API both report bad input as a list of ``{"field": ..., "message": ...}``, so a
person or a client always learns which field was wrong and why.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def field_errors(error: ValidationError) -> list[dict[str, str | None]]:
    if hasattr(error, "error_dict"):
        return [
            {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in error.messages]
