"""Fuzzing what a client may send on the websocket: ``decode_message`` directly (hypothesis),
and bad frames through the real ASGI application, after each of which the socket still answers.
"""

import json
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watercooler.core.inputs import first_problem
from watercooler.realtime.consumers import MAX_MESSAGE_BYTES, ClientError, decode_message
from watercooler.realtime.tests.helpers import as_user
from watercooler.testing.world import World

# Any code point, lone surrogates included ("\ud800" is valid JSON text, not valid UTF-8).
any_text = st.text(alphabet=st.characters(codec=None, min_codepoint=0), max_size=40)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=20,
)
FUZZ = settings(max_examples=300, derandomize=True, database=None, deadline=None)


def _decodes_or_refuses(text: str) -> dict[str, Any] | None:
    """decode_message's only outcomes: a clean JSON object, or a ClientError to send back."""
    refused: ClientError | None = None
    try:
        content = decode_message(text)
    except ClientError as exc:
        refused = exc
    if refused is not None:
        assert refused.detail
        assert refused.field is None or isinstance(refused.field, str)
        # The error frame itself must be sendable as UTF-8 JSON.
        json.dumps({"detail": refused.detail, "field": refused.field}).encode()
        return None
    assert isinstance(content, dict)
    assert first_problem(content) is None
    json.dumps(content, ensure_ascii=False).encode("utf-8")  # storable, sendable text
    return content


@FUZZ
@given(value=json_values)
def test_any_json_value_decodes_to_a_clean_object_or_a_client_error(value: Any) -> None:
    _decodes_or_refuses(json.dumps(value))
    _decodes_or_refuses(json.dumps({"type": "subscribe", "posts": value}))
    _decodes_or_refuses(json.dumps({"type": "catch_up", "since": value}))


@FUZZ
@given(text=any_text | st.text(alphabet=string.printable + '[]{}"\\', max_size=200))
def test_any_text_decodes_to_a_clean_object_or_a_client_error(text: str) -> None:
    _decodes_or_refuses(text)


@settings(max_examples=20, derandomize=True, database=None, deadline=None)
@given(depth=st.integers(min_value=1, max_value=MAX_MESSAGE_BYTES // 2))
def test_deep_nesting_is_refused_not_a_crash(depth: int) -> None:
    for text in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        _decodes_or_refuses(text)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"type": "ping", "note": "\ud800"}, "note"),
        ({"type": "ping", "\udfff": 1}, None),
        ({"type": "subscribe", "posts": [2**64]}, "posts"),
        ({"type": "subscribe", "posts": [float("inf")]}, "posts"),
    ],
)
def test_values_stored_nowhere_are_refused_naming_the_field(
    value: dict[str, Any], field: str | None
) -> None:
    with pytest.raises(ClientError) as caught:
        decode_message(json.dumps(value))
    assert caught.value.field == field


# --- Through the real socket ----------------------------------------------------------------

BAD_FRAMES = [
    ("[" * 16_000, None),  # nested past the decoder's recursion: once a consumer crash
    ("[" * 8000 + "]" * 8000, None),
    ("[1, 2]", None),
    ('"hello"', None),
    ("null", None),
    ('{"type": "ping", "x": "\\ud800"}', "x"),
    ('{"type": "subscribe", "posts": [1e400]}', "posts"),
    ('{"type": "subscribe", "posts": [' + "9" * 5000 + "]}", None),
    ('{"type": "catch_up", "since": "0001-01-01T00:00:00+14:00"}', "since"),
    ('{"type": "catch_up", "since": "9999-12-31T23:59:59-14:00"}', "since"),
    ('{"type": "catch_up", "since": "\\udc00"}', "since"),
]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("raw", "field"), BAD_FRAMES, ids=lambda v: str(v)[:40])
async def test_bad_frames_get_an_error_and_the_socket_survives(
    world: World, raw: str, field: str | None
) -> None:
    comm = await as_user(world.owner)
    await comm.send_to(text_data=raw)
    reply = await comm.receive_json_from(timeout=5)
    assert reply["type"] == "error", reply
    assert reply["field"] == field, reply
    assert reply["detail"]
    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from(timeout=5) == {"type": "pong"}
    await comm.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_catch_up_at_the_calendar_edges_that_are_fine(world: World) -> None:
    comm = await as_user(world.owner)
    await comm.send_json_to({"type": "catch_up", "since": "1000-01-02T00:00:00+14:00"})
    reply = await comm.receive_json_from(timeout=5)
    assert reply["type"] == "catch_up", reply
    await comm.disconnect()
