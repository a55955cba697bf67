"""``path_to`` and ``{% path %}`` give exactly what ``reverse`` and ``{% url %}`` give."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from watercooler.core.links import path_to


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("feed:post", 1),
        ("feed:post", 987654321),
        ("feed:react_post", 42),
        ("people:profile", "ana.lopez"),
        ("people:profile", "o'brien+tag@x-y_z"),
    ],
)
def test_same_path_as_reverse(name: str, arg: int | str) -> None:
    assert path_to(name, arg) == reverse(name, args=[arg])


def test_follows_the_script_prefix() -> None:
    try:
        set_script_prefix("/social/")
        assert path_to("feed:post", 7) == reverse("feed:post", args=[7]) == "/social/posts/7/"
    finally:
        clear_script_prefix()
    assert path_to("feed:post", 7) == "/posts/7/"


def test_a_pattern_without_one_argument_is_refused() -> None:
    with pytest.raises(NoReverseMatch):
        path_to("home", 1)


def test_template_tag_and_its_as_form() -> None:
    template = Template(
        "{% load links %}{% path 'feed:post' pk %} {% path 'feed:post' pk as u %}[{{ u }}]"
    )
    assert template.render(Context({"pk": 5})) == "/posts/5/ [/posts/5/]"
