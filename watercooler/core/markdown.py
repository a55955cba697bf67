"""Safe Markdown: the subset people write posts in, rendered once at write time.

CommonMark (no tables, no raw HTML: any ``<tag>`` typed is shown as text) is rendered by
markdown-it-py, ``@username`` and ``#topic`` become links, and the result goes through nh3 with a
short allow-list, so what is stored in ``body_html`` is safe to put on a page as is.

This module knows nothing about people or topics: callers pass ``mention_url`` (None for a name
that is not a person) and ``topic_url``. ``find_mentions`` lets a caller resolve every candidate
username in one query before rendering.
"""

import re
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "blockquote",
}
LINK_CLASSES = {"mention", "topic"}
LINK_REL = "nofollow noopener"

# ``@name``: Django usernames are word characters and . + - (and @, left out: "a@b" is an
# address). It must end on a word character so "thanks @bob." mentions "bob".
MENTION_RE = re.compile(r"(?<![\w@.+-])@([\w.+-]*\w)", re.UNICODE)
# ``#name``: 1-64 ASCII letters, digits and _; a longer run is not a tag at all.
TOPIC_RE = re.compile(r"(?<![\w&#/])#([A-Za-z0-9_]{1,64})(?![A-Za-z0-9_])")
TOKEN_RE = re.compile(f"{MENTION_RE.pattern}|{TOPIC_RE.pattern}", re.UNICODE)

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable("table", ignoreInvalid=True)


def topic_name(tag: str) -> str:
    """The stored name of a topic typed as ``tag`` (without '#'): lower-cased."""
    return tag.lower()


def _safe_href(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered.startswith(("http://", "https://", "mailto:")):
        return True
    # Site-relative only: "//host/..." would leave the site.
    return lowered.startswith("/") and not lowered.startswith("//")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "a" and attr == "href":
        return value if _safe_href(value) else None
    if tag == "a" and attr == "class":
        kept = [c for c in value.split() if c in LINK_CLASSES]
        return " ".join(kept) or None
    return value


def sanitise_html(html: str) -> str:
    """Keep only the allow-listed tags and attributes; links get ``rel="nofollow noopener"``."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes={"a": {"href", "class"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        attribute_filter=_attribute_filter,
    )


def _linkable_text_tokens(tokens: list[Token]) -> list[tuple[list[Token], int]]:
    """(children, index) of every inline text token not inside a link (code is its own token)."""
    found: list[tuple[list[Token], int]] = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        depth = 0
        for i, child in enumerate(block.children):
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and depth == 0:
                found.append((block.children, i))
    return found


def find_mentions(text: str) -> list[str]:
    """Candidate usernames ``@``-mentioned in ``text`` (outside code and links), in order, once."""
    names: dict[str, None] = {}
    for children, i in _linkable_text_tokens(_md.parse(text)):
        for match in MENTION_RE.finditer(children[i].content):
            names.setdefault(match.group(1), None)
    return list(names)


def find_topics(text: str) -> dict[str, str]:
    """``{name: label}`` of the #topics in ``text``; the label keeps the first spelling."""
    found: dict[str, str] = {}
    for children, i in _linkable_text_tokens(_md.parse(text)):
        for match in TOPIC_RE.finditer(children[i].content):
            found.setdefault(topic_name(match.group(1)), match.group(1))
    return found


def _link_tokens(href: str, css: str, label: str) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": href, "class": css}
    text = Token("text", "", 0)
    text.content = label
    return [opening, text, Token("link_close", "a", -1)]


def render_markdown(
    text: str,
    *,
    mention_url: Callable[[str], str | None],
    topic_url: Callable[[str], str],
) -> tuple[str, list[str], list[str]]:
    """Render ``text`` to sanitised HTML.

    ``mention_url(username)`` gives the link of a person, or None when ``username`` is nobody
    (the text then stays as typed); ``topic_url(name)`` the link of a topic by its lower-case
    name. Returns ``(html, mentions, topics)``: the usernames linked and the topic names linked,
    each once and in order of first appearance. Code spans, code blocks and link texts are left
    alone.
    """
    tokens = _md.parse(text)
    mentions: dict[str, None] = {}
    topics: dict[str, None] = {}
    # Replace from the end so earlier indexes stay valid.
    for children, i in reversed(_linkable_text_tokens(tokens)):
        content = children[i].content
        pieces: list[Token] = []
        pos = 0
        for match in TOKEN_RE.finditer(content):
            username, tag = match.group(1), match.group(2)
            if username is not None:
                href = mention_url(username)
                if href is None:
                    continue
                new = _link_tokens(href, "mention", f"@{username}")
            else:
                name = topic_name(tag)
                new = _link_tokens(topic_url(name), "topic", f"#{tag}")
            if match.start() > pos:
                before = Token("text", "", 0)
                before.content = content[pos : match.start()]
                pieces.append(before)
            pieces.extend(new)
            pos = match.end()
        if not pieces:
            continue
        if pos < len(content):
            rest = Token("text", "", 0)
            rest.content = content[pos:]
            pieces.append(rest)
        children[i : i + 1] = pieces
    # Collect in document order (the loop above ran backwards).
    for block in tokens:
        children = block.children if block.type == "inline" and block.children else []
        for idx, child in enumerate(children):
            if child.type != "link_open" or idx + 1 >= len(children):
                continue
            css, label = child.attrGet("class"), children[idx + 1].content
            if css == "mention":
                mentions.setdefault(label[1:], None)
            elif css == "topic":
                topics.setdefault(topic_name(label[1:]), None)
    html = _md.renderer.render(tokens, _md.options, {})
    return sanitise_html(html), list(mentions), list(topics)


def plain_text(html: str) -> str:
    """Text of sanitised HTML, for previews and notifications."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
