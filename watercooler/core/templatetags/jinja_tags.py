"""``{% jinja "feed/_post_page.html" page=page %}``: a Jinja2 template (the product's hot
partials, watercooler/jinja_env.py) inside a Django template, with the page's request, CSRF
token and community header."""

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, template_name: str, **values: Any) -> SafeString:
    jinja_template = engines["jinja2"].get_template(template_name)
    html = jinja_template.render(
        {"header": context.get("header"), **values}, context.get("request")
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped what it rendered
