"""The search language: what a person types, parsed once into a ``SearchQuery``, and the text
helpers both engines share (folding, stems, scoring a candidate, the highlighted snippet).

Words are folded (accents dropped, case ignored) the way the engines fold indexed text, so
"cafe" finds "café" on SQLite (FTS5's ``remove_diacritics``) and PostgreSQL (``unaccent`` in the
search configuration) alike. Operators: ``from:username``, ``in:community``, ``#topic``,
``type:question`` (or any result type), ``is:unanswered``; ``"quoted phrases"``; ``-word``
leaves out what has it. Any input parses: what cannot be read is named in ``notes``.
"""

import functools
import html
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import snowballstemmer
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from watercooler.core.text import ascii_fold

MAX_QUERY_CHARS = 500  # longer input is cut here (a note says so)
MAX_TERMS = 12  # words and phrases searched for; more are dropped (a note says so)
MAX_WORD_CHARS = 64

RESULT_TYPES = ("post", "reply", "person", "community", "topic", "event", "file")
# What ``type:`` (and the API's ``type``) accepts: a result type, or posts that are questions.
TYPE_CHOICES = (*RESULT_TYPES, "question")
# type: values the search box accepts besides the result types: questions are posts.
TYPE_ALIASES = {"question": "question", "questions": "question", "people": "person"}

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'"[^"]*"|\S+')
_NAME_CHARS = re.compile(r"[^\w.@+-]")
_OPERATOR = re.compile(r"^(from|in|type|is):(.*)$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case without accents: the form every indexed and searched word takes."""
    if text.isascii():
        return text.lower()
    return ascii_fold(unicodedata.normalize("NFKC", text)).lower() or text.casefold()


def words_of(text: str) -> list[str]:
    """The folded words of ``text`` (letters and digits; the rest separates words)."""
    return [w[:MAX_WORD_CHARS] for w in _WORD.findall(fold(text))]


@functools.cache
def _stemmer() -> Any:
    language = settings.SEARCH_LANGUAGE
    if language not in snowballstemmer.algorithms():
        language = "english"
    return snowballstemmer.stemmer(language)


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@dataclass
class SearchQuery:
    """A parsed search. ``words`` and each phrase are folded; ``prefix`` makes the last word a
    prefix (type-ahead). ``notes`` tell the person what was left out and why."""

    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    author: str | None = None
    community: str | None = None
    topics: list[str] = field(default_factory=list)
    type: str | None = None
    unanswered: bool = False
    prefix: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def has_terms(self) -> bool:
        """Whether there is text to match (operators alone list what they select)."""
        return bool(self.words or self.phrases)

    @property
    def has_filters(self) -> bool:
        return bool(self.author or self.community or self.topics or self.type or self.unanswered)

    @property
    def is_empty(self) -> bool:
        return not self.has_terms and not self.has_filters

    def all_words(self) -> list[str]:
        return self.words + [w for phrase in self.phrases for w in phrase]

    def stems(self) -> set[str]:
        return {stem(w) for w in self.all_words()}

    @functools.cached_property
    def matcher(self) -> re.Pattern[str]:
        """Finds, in folded text, the words that could match (those starting as a query word's
        stem does): only these are stemmed when a text is scored."""
        starts = {word_root(w) for w in self.all_words()} or {"\x00"}
        alternatives = "|".join(sorted(map(re.escape, starts), key=len, reverse=True))
        return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*")


def parse_query(text: str, *, prefix: bool = False) -> SearchQuery:
    """Read what a person typed. Never raises: a quote left open is ignored, an operator with
    nothing after it is ignored with a note, control characters separate words."""
    query = SearchQuery(prefix=prefix)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        query.notes.append(f"Only the first {MAX_QUERY_CHARS} characters were searched.")
    terms = 0
    for token in _TOKEN.findall(text):
        if token.startswith('"'):
            phrase = words_of(token.strip('"'))
            if len(phrase) == 1:
                query.words.extend(phrase)
            elif phrase:
                query.phrases.append(phrase[:MAX_TERMS])
            terms += bool(phrase)
            continue
        if _read_operator(query, token):
            continue
        if token.startswith("#") and len(token) > 1:
            name = "".join(words_of(token[1:]))
            if name:
                query.topics.append(name)
            continue
        if token.startswith("-") and len(token) > 1:
            query.excluded.extend(words_of(token[1:]))
            continue
        found = words_of(token)
        query.words.extend(found)
        terms += len(found)
    if terms > MAX_TERMS:
        query.notes.append(f"Only the first {MAX_TERMS} words were searched.")
        query.words = query.words[:MAX_TERMS]
        query.phrases = query.phrases[: max(0, MAX_TERMS - len(query.words))]
    query.excluded = query.excluded[:MAX_TERMS]
    query.topics = query.topics[:3]
    # A prefix only means something on a last plain word ("ann" while typing "anna").
    query.prefix = prefix and bool(query.words) and not text.rstrip().endswith('"')
    return query


def name_value(raw: str) -> str:
    """A username or a community handle as an operator or a filter names it: what else was
    typed (spaces, NUL, lone surrogates) cannot be part of one and is left out."""
    return _NAME_CHARS.sub("", raw)


def covers(query: SearchQuery, text: str) -> bool:
    """Whether ``text`` holds every word of ``query`` in some form (by stem)."""
    return query.stems() <= {stem(w) for w in words_of(text)}


def _read_operator(query: SearchQuery, token: str) -> bool:
    match = _OPERATOR.match(token)
    if match is None:
        return False
    name, value = match.group(1).lower(), name_value(match.group(2))
    if not value:
        query.notes.append(f"“{name}:” needs something after it, as in {_EXAMPLES[name]}.")
        return True
    if name == "from":
        query.author = value.lstrip("@")[:150]
    elif name == "in":
        query.community = value.lower()[:40]
    elif name == "is":
        if value.lower() in ("unanswered", "open"):
            query.unanswered = True
        else:
            query.notes.append(f"“is:{value[:40]}” is not known; try is:unanswered.")
    else:
        wanted = TYPE_ALIASES.get(value.lower(), value.lower())
        if wanted in TYPE_CHOICES:
            query.type = wanted
        else:
            query.notes.append(
                f"“type:{value[:40]}” is not a kind of result; try one of "
                + ", ".join(TYPE_CHOICES)
                + "."
            )
    return True


_EXAMPLES = {
    "from": "from:anna",
    "in": "in:sales",
    "type": "type:question",
    "is": "is:unanswered",
}


def word_root(word: str) -> str:
    """The start every form of a word has: what it shares with its stem, less the stem's last
    letter ("prices" and "pricing" both stem to "price", and both start "pric"), three letters
    at least."""
    root = stem(word)
    shared = 0
    for a, b in zip(word, root, strict=False):
        if a != b:
            break
        shared += 1
    return word[: max(min(shared, len(root) - 1), min(3, len(word)))]


# --- Scoring a candidate ----------------------------------------------------------------------

# BM25's constants, applied to the candidates' live text (the engines only say which rows match).
_K1 = 1.2
_B = 0.75
_AVERAGE_WORDS = 60
RECENCY_HALF_LIFE_DAYS = 90


def relevance(query: SearchQuery, title: str, body: str) -> float:
    """How well ``title`` and ``body`` match: a BM25-style sum over the query's stems, a title
    worth three times the body, and a bonus when a phrase or the whole query appears as typed.

    Counted on the live text, so text edited away never counts and both engines rank alike."""
    stems = query.stems()
    if not stems:
        return 0.0
    last = query.words[-1] if query.prefix and query.words else None
    phrases = [p for p in [*query.phrases, query.all_words()] if len(p) > 1]
    score = 0.0
    for text, weight in ((title, 3.0), (body, 1.0)):
        if not text:
            continue
        folded = fold(text)
        counts: dict[str, int] = {}
        for found in query.matcher.finditer(folded):
            word = found.group()[:MAX_WORD_CHARS]
            s = stem(word)
            if s in stems or (last is not None and word.startswith(last)):
                counts[s] = counts.get(s, 0) + 1
        if not counts:
            continue
        length = len(folded.split()) / _AVERAGE_WORDS
        for tf in counts.values():
            score += weight * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * length))
        if phrases:
            joined = " ".join(_WORD.findall(folded))
            score += weight * sum(1 for p in phrases if " ".join(p) in joined)
    return score


def recency_boost(age_days: float) -> float:
    """From 1 (today) toward 0.5 (long ago), halving the gap every ``RECENCY_HALF_LIFE_DAYS``:
    recent wins between equals, relevance wins otherwise."""
    return 0.5 + 0.5 * math.pow(0.5, max(0.0, age_days) / RECENCY_HALF_LIFE_DAYS)


# --- Snippets ---------------------------------------------------------------------------------

SNIPPET_CHARS = 220


def snippet(query: SearchQuery, text: str, *, length: int = SNIPPET_CHARS) -> SafeString:
    """A piece of ``text`` around its first match, escaped, with the matching words in <mark>.
    Text without a match gives its beginning."""
    text = html.unescape(" ".join(text.split()))
    stems = query.stems()
    last = query.words[-1] if query.prefix and query.words else None
    hits: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\W_]+", text):
        word = fold(match.group())
        if stem(word) in stems or (last is not None and word.startswith(last)):
            hits.append(match.span())
    start = 0
    if hits and hits[0][0] > length // 3:
        start = text.rfind(" ", 0, hits[0][0] - length // 3) + 1
    end = min(len(text), start + length)
    if end < len(text):
        end = max(text.rfind(" ", start, end), hits[0][1] if hits else start + 1)
    parts: list[str] = ["…" if start else ""]
    cursor = start
    for hit_start, hit_end in hits:
        if hit_start < start or hit_end > end:
            continue
        parts.append(escape(text[cursor:hit_start]))
        parts.append(f"<mark>{escape(text[hit_start:hit_end])}</mark>")
        cursor = hit_end
    parts.append(escape(text[cursor:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
