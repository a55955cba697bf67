"""The OpenAPI document is valid, names each schema once, and documents the errors it returns."""

import json
import types
import typing
from collections import defaultdict
from typing import Any

import pytest
import schemathesis
from django.test import Client
from pydantic import BaseModel

from watercooler.api.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    # Against the OpenAPI 3 meta-schema (schemathesis ships it, and runs on this document).
    schemathesis.openapi.from_dict(document).validate()


def test_document_has_each_key_once() -> None:
    # JSON parsers disagree on repeated keys: Python keeps the last, the docs page's reader
    # (js-yaml in Swagger UI) refuses the whole document.
    def refuse_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return dict(pairs)

    response = Client().get("/api/v1/openapi.json", headers={"Accept-Encoding": "identity"})
    json.loads(response.content, object_pairs_hook=refuse_repeats)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if isinstance(annotation, typing.ForwardRef | str):
        return []
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _schemas_of_api() -> dict[str, set[type[BaseModel]]]:
    """Every pydantic model the document is generated from (inputs, outputs and what they
    nest), by the name the document gives it."""
    pending: list[type[BaseModel]] = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                pending.extend(operation.models)
                for model in operation.response_models.values():
                    if model is not types.NoneType:
                        pending.extend(_models_in(model))
    by_name: dict[str, set[type[BaseModel]]] = defaultdict(set)
    seen: set[type[BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        # Ninja's wrappers of a view's parameters and responses are not named in the document.
        if model.__module__ != "abc" and not model.__module__.startswith("ninja"):
            by_name[model.__name__].add(model)
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return by_name


def test_schema_names_are_unique() -> None:
    """Two schemas of one name become one component: one of them is documented with the other's
    fields (posts' counts were once documented as an event's RSVP counts)."""
    by_name = _schemas_of_api()
    assert "PostOut" in by_name
    clashes = {
        name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models)
        for name, models in by_name.items()
        if len(models) > 1
    }
    assert clashes == {}


def test_posts_people_and_events_are_documented_with_their_own_fields(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]

    def fields(name: str) -> set[str]:
        return set(schemas[name]["properties"])

    post_counts = schemas["PostOut"]["properties"]["counts"]["$ref"].rsplit("/", 1)[1]
    assert fields(post_counts) == {"reply_count", "reaction_count"}
    event_counts = schemas["EventOut"]["properties"]["counts"]["$ref"].rsplit("/", 1)[1]
    assert fields(event_counts) == {"going", "maybe", "waitlisted"}
    directory = document["paths"]["/api/v1/people"]["get"]["responses"]["200"]
    page = directory["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    person = schemas[page]["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[1]
    assert {"username", "email", "location", "skills", "links", "role"} <= fields(person)


def test_every_operation_documents_the_errors_it_can_return(document: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"400", "422"}
            if operation.get("security"):
                expected |= {"401", "403"}
            if "{" in path:
                expected.add("404")
            body = operation.get("requestBody", {}).get("content", {})
            if body:
                expected.add("413")
            if "application/json" in body:
                expected.add("415")
            where = f"{method.upper()} {path}"
            assert expected <= set(responses), (where, sorted(expected - set(responses)))
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == error_ref, (where, status)
    token = document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert "429" in token
    assert "401" in token
