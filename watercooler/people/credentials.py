"""Exchanging a password (and the second factor) for a personal API token: the checks behind
``POST /api/v1/auth/token``, and the limit on failed attempts it shares with the sign-in page."""

from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from watercooler.core.middleware import API_MFA_REQUIRED_MESSAGE
from watercooler.core.models import SiteSettings
from watercooler.core.ratelimit import PASSWORD_FAILURES
from watercooler.people.models import User
from watercooler.people.queries import sign_in_account


class MfaRequired(PermissionDenied):
    """The organisation requires two-factor authentication and this person has not set it up."""

    def __init__(self) -> None:
        super().__init__(API_MFA_REQUIRED_MESSAGE)


class InvalidCredentialsError(Exception):
    """Wrong username, password or second-factor code (deliberately not saying which)."""

    def __init__(self, message: str = "Wrong username or password.", field: str | None = None):
        super().__init__(message)
        self.field = field


class TooManyAttemptsError(Exception):
    """Too many failed attempts from this client (``core.ratelimit.PASSWORD_FAILURES``, shared
    with the sign-in page); try again after ``retry_after``."""

    def __init__(self, retry_after: int = PASSWORD_FAILURES.window_seconds) -> None:
        super().__init__("Too many failed attempts. Wait a few minutes and try again.")
        self.retry_after = retry_after


def _verify_second_factor(user: User, code: str | None) -> bool | None:
    """None when ``user`` has no second factor; else whether ``code`` is a valid TOTP or
    recovery code (a valid one is recorded as used, as at the sign-in page)."""
    authenticators = list(
        Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
        )
    )
    if not any(a.type == Authenticator.Type.TOTP for a in authenticators):
        return None
    code = (code or "").strip()
    if not code:
        return False
    for authenticator in authenticators:
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


def check_token_credentials(
    request: HttpRequest, *, username: str, password: str, code: str | None = None
) -> User:
    """The active person these credentials belong to, for issuing an API token.

    ``username`` may also be an email address. Raises ``TooManyAttemptsError`` once this client
    may not try this username now (core/ratelimit.py), ``InvalidCredentialsError`` for anything wrong (a failure is
    counted), and ``MfaRequired`` when the organisation requires a second factor the person has
    not set up. A person with TOTP turned on must also send a current ``code``, so a token
    never skips the second factor the sign-in page asks for.
    """
    account = sign_in_account(username)
    if PASSWORD_FAILURES.is_reached(request, account):
        raise TooManyAttemptsError
    user = authenticate(request, username=username.strip(), password=password)
    if not isinstance(user, User) or not user.is_active:
        PASSWORD_FAILURES.record_failure(request, account)
        raise InvalidCredentialsError
    second_factor = _verify_second_factor(user, code)
    if second_factor is False:
        PASSWORD_FAILURES.record_failure(request, account)
        raise InvalidCredentialsError(
            "This account uses two-factor authentication: send a current authenticator code"
            ' (or a recovery code) in "code".',
            field="code",
        )
    if second_factor is None and SiteSettings.load().require_mfa:
        raise MfaRequired
    PASSWORD_FAILURES.record_success(request, account)
    return user
