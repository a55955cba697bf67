"""The API's base: authentication (token, session + CSRF, required 2FA), the error shape for
every kind of bad request, the OpenAPI document and the browsable docs under our CSP."""

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Page
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from watercooler.core.models import SiteSettings
from watercooler.people.actions import do_set_active
from watercooler.people.models import ApiToken, User
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # Site settings and sign-in failure counts live in the cache; keep tests independent.
    cache.clear()
    yield
    cache.clear()


def assert_error(response: Any, status: int, *fields: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    got = {error["field"] for error in body["errors"]}
    for field in fields:
        assert field in got, body
    return body


def require_mfa() -> None:
    site = SiteSettings.load()
    site.require_mfa = True
    site.save()


def turn_on_totp(user: Any) -> str:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret: str = generate_totp_secret()  # allauth's functions are unannotated
    TOTP.activate(user, secret)
    return secret


# --- Authentication ------------------------------------------------------------------------------


def test_anonymous_gets_401_with_error_shape(api_as: type[ApiClient]) -> None:
    for path in ("/me", "/people", "/people/olivia_owner"):
        response = api_as(None).get(path)
        assert_error(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_unsafe_methods_get_401_not_csrf_403(api_as: type[ApiClient]) -> None:
    assert_error(api_as(None).post("/people", {"username": "x", "display_name": "X"}), 401)
    assert_error(api_as(None).patch("/me", {"title": "x"}), 401)


def test_bearer_token_authenticates(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.owner).get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == "olivia_owner"


def test_token_use_is_recorded(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.owner)
    client.get("/me")
    assert ApiToken.objects.get(user=world.owner).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wc_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Token abc",
        "Basic b2xpdmlhOnB3",
        "Bearer " + "x" * 10_000,
        "Bearer wc_\u00e9\u00e9",
    ],
)
def test_wrong_tokens_get_401(world: World, header: str) -> None:
    response = Client().get("/api/v1/me", headers={"Authorization": header})
    assert_error(response, 401)


def test_revoked_and_deactivated_tokens_stop_working(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.teammate)
    assert client.get("/me").status_code == 200
    do_set_active(actor=world.admin, person=world.teammate, active=False)
    assert_error(client.get("/me"), 401)


def test_session_auth_reads_without_csrf(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "olivia_owner"


def _csrf_client(user: Any) -> tuple[Client, str]:
    """A signed-in browser that enforces CSRF, and the token the docs page hands out."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/api/v1/docs")
    token = re.search(r'data-csrf-token="([^"]+)"', page.content.decode())
    assert token, "the docs page gives the browser a CSRF token"
    return client, token.group(1)


def test_session_writes_need_csrf(world: World) -> None:
    client, token = _csrf_client(world.owner)
    body = json.dumps({"title": "Head of Engineering"})

    refused = client.patch("/api/v1/me", body, content_type="application/json")
    assert "CSRF" in assert_error(refused, 403)["detail"]
    world.owner.refresh_from_db()
    assert world.owner.title == "Engineering Manager"

    accepted = client.patch(
        "/api/v1/me", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200, accepted.content
    world.owner.refresh_from_db()
    assert world.owner.title == "Head of Engineering"


def test_session_post_with_csrf(world: World) -> None:
    client, token = _csrf_client(world.admin)
    body = json.dumps({"username": "new_person", "display_name": "New Person"})
    assert_error(client.post("/api/v1/people", body, content_type="application/json"), 403)
    response = client.post(
        "/api/v1/people", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content


def test_bearer_token_needs_no_csrf(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.owner)
    client.client = Client(enforce_csrf_checks=True)
    assert client.patch("/me", {"pronouns": "she/her"}).status_code == 200


def test_deactivated_session_gets_401(world: World, client_as: ClientAs) -> None:
    client = client_as(world.outsider)
    world.outsider.is_active = False
    world.outsider.save()
    assert_error(client.get("/api/v1/me"), 401)


def test_required_mfa_blocks_token_calls_until_totp(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.owner)
    require_mfa()
    body = assert_error(client.get("/me"), 403)
    assert "Two-factor authentication must be turned on" in body["detail"]
    turn_on_totp(world.owner)
    assert client.get("/me").status_code == 200


def test_required_mfa_blocks_session_calls(world: World, client_as: ClientAs) -> None:
    client = client_as(world.owner)
    require_mfa()
    body = assert_error(client.get("/api/v1/people"), 403)
    assert "Two-factor authentication" in body["detail"]


# --- Error shape for bad requests ----------------------------------------------------------------


def _raw(
    client: Client, method: str, path: str, body: bytes, content_type: str, token: str | None
) -> Any:
    return client.generic(
        method,
        f"/api/v1{path}",
        body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize(
    "body",
    [b"{", b"not json", b'{"title": }', b"\xff\xfe\x00", b"[" * 100_000, b"{'title': 'x'}"],
)
@pytest.mark.parametrize(("method", "path"), [("PATCH", "/me"), ("POST", "/people")])
def test_malformed_json_is_400(
    world: World, api_as: type[ApiClient], body: bytes, method: str, path: str
) -> None:
    token = api_as(world.admin).token
    response = _raw(Client(), method, path, body, "application/json", token)
    assert "not valid JSON" in assert_error(response, 400)["detail"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_other_content_types_are_415(
    world: World, api_as: type[ApiClient], content_type: str
) -> None:
    token = api_as(world.owner).token
    response = _raw(Client(), "PATCH", "/me", b'{"title": "x"}', content_type, token)
    assert "application/json" in assert_error(response, 415)["detail"]


def test_multipart_form_is_refused(world: World, api_as: type[ApiClient]) -> None:
    token = api_as(world.admin).token
    response = Client().post(
        "/api/v1/people",
        {"username": "formy", "display_name": "Formy"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error(response, 415)


@pytest.mark.parametrize(("method", "path"), [("PATCH", "/me"), ("POST", "/people")])
def test_empty_body_is_422(world: World, api_as: type[ApiClient], method: str, path: str) -> None:
    token = api_as(world.admin).token
    assert_error(_raw(Client(), method, path, b"", "application/json", token), 422)


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b"true"])
def test_json_that_is_not_an_object_is_422(
    world: World, api_as: type[ApiClient], body: bytes
) -> None:
    token = api_as(world.owner).token
    assert_error(_raw(Client(), "PATCH", "/me", body, "application/json", token), 422)


def test_body_over_the_upload_limit_is_413(
    world: World, api_as: type[ApiClient], settings: Settings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    token = api_as(world.owner).token
    body = json.dumps({"bio": "x" * 5000}).encode()
    assert_error(_raw(Client(), "PATCH", "/me", body, "application/json", token), 413)


def test_huge_strings_are_422_not_500(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.owner).patch("/me", {"bio": "x" * 1_000_000, "title": "t" * 10_000})
    assert_error(response, 422, "bio", "title")


def test_nul_characters_are_refused(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.owner)
    assert "NUL" in assert_error(client.patch("/me", {"bio": "a\x00b"}), 400)["detail"]
    assert "NUL" in assert_error(client.patch("/me", {"skills": ["x\x00"]}), 400)["detail"]
    assert_error(client.get("/people", q="a\x00"), 400)
    assert_error(client.get("/people/olivia\x00owner"), 400)
    assert User.objects.get(pk=world.owner.pk).bio == ""


def test_unknown_path_is_json_404(world: World, api_as: type[ApiClient]) -> None:
    assert_error(api_as(world.owner).get("/no-such-thing"), 404)
    assert_error(api_as(None).get("/people/olivia_owner/extra/bits"), 404)


def test_wrong_method_is_json_405(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.owner).delete("/me")
    assert_error(response, 405)
    assert "PATCH" in response["Allow"]
    response = Client().get("/api/v1/auth/token")
    assert_error(response, 405)


def test_wrong_query_types_are_422(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.owner)
    assert_error(client.get("/people", limit="many"), 422, "limit")
    assert_error(client.get("/people", limit="0"), 422, "limit")
    assert_error(client.get("/people", limit="100000000000000000000000"), 422, "limit")
    assert_error(client.get("/people", cursor="not a cursor"), 422, "cursor")


# --- OpenAPI and the browsable docs --------------------------------------------------------------


def test_openapi_document_lists_the_contract(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "post" in paths["/api/v1/auth/token"]
    assert {"get", "patch"} <= set(paths["/api/v1/me"])
    assert {"get", "post"} <= set(paths["/api/v1/people"])
    assert "get" in paths["/api/v1/people/{username}"]
    person = schema["components"]["schemas"]["PersonOut"]["properties"]
    assert set(person) == {
        *("username", "display_name", "pronouns", "title", "department", "location", "manager"),
        *("email", "phone", "bio", "skills", "languages", "links", "start_date", "photo_url"),
        *("photo_thumb_url", "role", "profile_url"),
    }
    assert "ErrorOut" in schema["components"]["schemas"]
    assert "429" in paths["/api/v1/auth/token"]["post"]["responses"]
    operation_ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids)), "view names must be unique"
    assert "list_people" in operation_ids
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


class _ScriptsAndStyles(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.stylesheets: list[str] = []
        self.inline_styles = 0
        self.style_attributes = 0
        self.event_handlers = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")
        if tag == "style":
            self.inline_styles += 1
        if "style" in attributes:
            self.style_attributes += 1
        self.event_handlers += sum(1 for name in attributes if name.startswith("on"))


def test_docs_page_fits_the_content_security_policy(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    nonce_source = next(s for s in directives["script-src"] if s.startswith("'nonce-"))
    nonce = nonce_source.removeprefix("'nonce-").removesuffix("'")
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["style-src"] == ["'self'"]

    page = _ScriptsAndStyles()
    page.feed(response.content.decode())
    assert len(page.scripts) >= 2
    for script in page.scripts:
        src = script.get("src")
        if src:
            assert src.startswith("/"), src
            assert not src.startswith("//"), src
        else:
            assert script.get("nonce") == nonce, script
    assert page.stylesheets
    assert all(href.startswith("/") and not href.startswith("//") for href in page.stylesheets)
    assert page.inline_styles == 0
    assert page.style_attributes == 0
    assert page.event_handlers == 0
    for asset in [str(s["src"]) for s in page.scripts if s.get("src")] + page.stylesheets:
        assert Client().get(asset).status_code == 200, asset


def test_docs_settings_load_no_other_origin(db: None) -> None:
    content = Client().get("/api/v1/docs").content.decode()
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings"[^>]*>(.*?)</script>',
        content,
        re.DOTALL,
    )
    assert settings_json
    swagger = json.loads(settings_json.group(1))
    assert swagger["url"] == "/api/v1/openapi.json"
    assert swagger["validatorUrl"] is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_renders_without_csp_violations(live_server: LiveServer, page: Page) -> None:
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.add_init_script(
        "window.__violations = [];"
        " document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator('[data-path="/api/v1/people/{username}"]').first.wait_for(timeout=15_000)
    page.locator('[data-path="/api/v1/me"]').first.click()  # expanding renders schemas too
    page.wait_for_timeout(500)
    assert page.evaluate("window.__violations") == []
    assert [text for text in console if "Content Security Policy" in text] == []
