"""``{% path 'app:name' arg %}``: ``{% url %}`` for patterns with one argument, on hot cards
(core/links.py)."""

from django import template

from watercooler.core.links import path_to

register = template.Library()


@register.simple_tag
def path(name: str, arg: int | str) -> str:
    return path_to(name, arg)
