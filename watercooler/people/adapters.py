"""django-allauth adapter: there is no open sign-up; administrators invite or create people.

Failed passwords are counted by ``core.ratelimit.PASSWORD_FAILURES`` (per account and address,
per address, and per account with a far higher ceiling) instead of allauth's per-account
lock-out, which refused even the right password and so let anyone lock a colleague out.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from watercooler.core.ratelimit import PASSWORD_FAILURES
from watercooler.people.queries import sign_in_account


def _account(credentials: dict[str, Any]) -> str:
    return sign_in_account(str(credentials.get("email") or credentials.get("username") or ""))


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        if PASSWORD_FAILURES.is_reached(request, _account(credentials)):
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None:
            PASSWORD_FAILURES.record_success(request, _account(credentials))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        PASSWORD_FAILURES.record_failure(request, _account(credentials))
