"""Pages of one's own account: sign-in by access code, accepting an invitation, the settings page
and personal API tokens.

As everywhere, a view parses input, calls one action or query and renders; the rules live in
``actions.py``. Signing in goes through allauth's login flow, so its stages (the second factor
of people who turned it on) and its session bookkeeping apply here too.
"""

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.core.compression import carries_secret
from watercooler.core.ratelimit import FailureLimit
from watercooler.people import actions, queries
from watercooler.people.forms import (
    AccessCodeSignInForm,
    ApiTokenCreateForm,
    InvitationPasswordForm,
)
from watercooler.people.models import User

# The backend that signs people in after a code or an invitation (no password was checked).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# Failed access-code attempts allowed per window (core/ratelimit.py): 10 for one person from one
# address, 30 from one address (a shop or a depot shares one), and 50 for one person from
# addresses they have not signed in from, so guessing from many places stops too.
ACCESS_CODE_FAILURES = FailureLimit(
    scope="people:access-code-failures",
    per_account_address=10,
    per_account=50,
    per_address=30,
    window_seconds=15 * 60,
)
TOO_MANY_ATTEMPTS = (
    "Too many wrong codes. Wait 15 minutes and try again, or ask your manager or an "
    "administrator for a new code."
)


def _copy_errors(form: Form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form, on the field it names when the form has it."""
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(None if field == NON_FIELD_ERRORS else target, message)


def _sign_in(request: HttpRequest, person: User, *, redirect_url: str) -> HttpResponse:
    """Sign ``person`` in through allauth's flow (its second-factor stage included)."""
    person.backend = MODEL_BACKEND
    # allauth is unannotated: perform_login returns the flow's next response.
    response: HttpResponse = perform_login(request, person, redirect_url=redirect_url)
    return response


# --- Sign-in with an access code ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def access_code_login(request: HttpRequest) -> HttpResponse:
    form = AccessCodeSignInForm(request.POST if request.method == "POST" else None)
    status = 200  # a wrong code re-shows the form, as allauth's sign-in page does
    if form.is_bound and form.is_valid():
        username, code = form.cleaned_data["username"], form.cleaned_data["code"]
        if ACCESS_CODE_FAILURES.is_reached(request, username):
            form.add_error(None, TOO_MANY_ATTEMPTS)
            status = 429
        else:
            try:
                person = actions.redeem_access_code(username=username, code=code)
            except ValidationError as exc:
                ACCESS_CODE_FAILURES.record_failure(request, username)
                _copy_errors(form, exc)
            else:
                ACCESS_CODE_FAILURES.record_success(request, username)
                messages.info(
                    request,
                    f"Welcome, {person.display_name}! Choose your password now: your access code "
                    "works only once.",
                )
                set_password = reverse("account_set_password") + "?" + urlencode({"next": "/"})
                return _sign_in(request, person, redirect_url=set_password)
    response = render(request, "people/account/access_code.html", {"form": form}, status=status)
    add_never_cache_headers(response)
    return response


# --- Accepting an invitation -------------------------------------------------------------------


def _invitation_invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    message = error.message_dict.get("token", error.messages)[0]
    return render(
        request,
        "people/account/invitation_invalid.html",
        {"message": message, "lifetime_days": settings.INVITATION_LIFETIME_DAYS},
        status=410,
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = actions.access_invitation(token)
    except ValidationError as exc:
        return _invitation_invalid(request, exc)
    form = InvitationPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            person = actions.do_accept_invitation(
                token=token, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            if "token" in exc.message_dict:
                return _invitation_invalid(request, exc)
            _copy_errors(form, exc)
        else:
            messages.success(request, f"Welcome to {settings.SITE_NAME}, {person.display_name}!")
            return _sign_in(request, person, redirect_url=reverse("home"))
    response = render(
        request,
        "people/account/invitation.html",
        {"invitation": invitation, "person": invitation.user, "form": form, "token": token},
    )
    add_never_cache_headers(response)
    return response


# --- Settings and API tokens -------------------------------------------------------------------


def _render_settings(
    request: HttpRequest,
    *,
    token_form: ApiTokenCreateForm | None = None,
    new_token: str | None = None,
    new_token_name: str = "",
    notice: str = "",
) -> HttpResponse:
    """The settings page, or only its tokens card for an htmx request."""
    context = {
        "overview": queries.account_overview(request.user),  # type: ignore[arg-type]
        "token_form": token_form or ApiTokenCreateForm(),
        "new_token": new_token,
        "new_token_name": new_token_name,
        "notice": notice,
    }
    template = "people/account/settings.html"
    if getattr(request, "htmx", False):
        template += "#tokens"
    response = render(request, template, context)
    # A new token is in this page exactly once: no cache may keep a copy.
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
@carries_secret
def settings_page(request: HttpRequest) -> HttpResponse:
    return _render_settings(request)


@login_required
@require_POST
@carries_secret
def create_token(request: HttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            row, token = actions.do_create_api_token(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            _copy_errors(form, exc)
        else:
            # Rendered, not redirected: the token must not travel in a URL or wait in storage.
            return _render_settings(request, new_token=token, new_token_name=row.name)
    return _render_settings(request, token_form=form)


@login_required
@require_POST
@carries_secret
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        actions.do_revoke_api_token(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    except ValidationError:
        raise Http404("No such token.") from None
    notice = "Token revoked: programs using it can no longer sign in."
    if getattr(request, "htmx", False):
        return _render_settings(request, notice=notice)
    messages.success(request, notice)
    return redirect("people:settings")
