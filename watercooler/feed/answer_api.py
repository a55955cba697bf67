"""Questions and accepted answers in /api/v1."""

from ninja import Router

router = Router()
