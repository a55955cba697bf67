"""The safe Markdown subset: raw HTML escaped, unsafe links removed, mentions and topics linked."""

import pytest

from watercooler.core.markdown import find_mentions, find_topics, render_markdown


def render(
    text: str, people: frozenset[str] = frozenset({"bob", "ann.lee"})
) -> tuple[str, list[str], list[str]]:
    return render_markdown(
        text,
        mention_url=lambda name: f"/people/{name}/" if name in people else None,
        topic_url=lambda name: f"/topics/{name}/",
    )


def test_raw_html_is_escaped() -> None:
    html, _, _ = render('<script>alert(1)</script> <img src=x onerror="alert(1)"> <b>b</b>')
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](//evil.example/)",
        "<javascript:alert(1)>",
    ],
)
def test_unsafe_links_are_removed(link: str) -> None:
    html, _, _ = render(link)
    assert "<a" not in html or 'href="' not in html
    assert 'href="javascript' not in html.lower()
    assert 'href="data' not in html
    assert 'href="vbscript' not in html
    assert 'href="//' not in html


def test_safe_links_get_rel() -> None:
    html, _, _ = render("[a](https://example.com) [b](/people/) [c](mailto:a@example.com)")
    assert html.count('rel="nofollow noopener"') == 3
    assert 'href="https://example.com"' in html
    assert 'href="/people/"' in html


def test_allowed_markup() -> None:
    html, _, _ = render("**b** *i*\n\n- one\n- two\n\n1. x\n\n> quote\n\n```\ncode <b>\n```\n\n`c`")
    for tag in ("<strong>", "<em>", "<ul>", "<li>", "<ol>", "<blockquote>", "<pre>", "<code>"):
        assert tag in html
    assert "code &lt;b&gt;" in html


def test_tables_and_headings_are_not_markup() -> None:
    html, _, _ = render("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h1>" not in html
    assert "<table>" not in html
    assert "Title" in html


def test_mentions_and_topics_are_linked() -> None:
    html, mentions, topics = render("Hi @bob and @ann.lee. and @ghost, see #Release_2 and #ops")
    assert '<a href="/people/bob/" class="mention" rel="nofollow noopener">@bob</a>' in html
    assert 'href="/people/ann.lee/"' in html
    assert "@ghost" in html
    assert "/people/ghost/" not in html
    assert (
        '<a href="/topics/release_2/" class="topic" rel="nofollow noopener">#Release_2</a>' in html
    )
    assert mentions == ["bob", "ann.lee"]
    assert topics == ["release_2", "ops"]


def test_no_links_inside_code_or_links_or_emails() -> None:
    html, mentions, topics = render("`@bob #x` [@bob #y](https://e.com) mail bob@bob.com a#b")
    assert mentions == []
    assert topics == []
    assert 'class="mention"' not in html


def test_long_tags_are_not_topics() -> None:
    _, _, topics = render("#" + "a" * 65 + " #" + "b" * 64)
    assert topics == ["b" * 64]


def test_finders() -> None:
    assert find_mentions("@a @b.c. @a `@x`") == ["a", "b.c"]
    assert find_topics("#Foo #foo #bar") == {"foo": "Foo", "bar": "bar"}
