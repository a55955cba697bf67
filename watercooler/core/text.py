"""Text rules every app shares: no NUL characters in input, and ASCII folding for handles.

PostgreSQL cannot store NUL (``\\x00``) in text or JSON, and no person means to type one, so
input that carries one is refused as bad input (a 400 or a field error) before it reaches a
query: otherwise the same request is a 500 on PostgreSQL and silently stored on SQLite.
"""

import unicodedata
from typing import Any

NUL_MESSAGE = "Text may not contain NUL (\\u0000) characters."


def contains_nul(data: Any) -> bool:
    """True if ``data`` (text, or lists, tuples and dicts of them, keys included) holds a NUL."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


# Latin letters that Unicode does not decompose into a base letter and an accent.
_LATIN_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "\u0131": "i",  # the Turkish dotless i
    }
)


def ascii_fold(text: str) -> str:
    """``text`` in ASCII letters: accents dropped, ``ł`` as ``l``, ``ß`` as ``ss``; other
    characters that have no ASCII form are left out."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_LETTERS))
    return decomposed.encode("ascii", "ignore").decode()
