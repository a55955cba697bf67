"""``{% media_url file %}``: the URL of an uploaded file, signed for the person viewing the page
(core/media.py). Use it only on what the page's viewer was allowed to see."""

from django import template
from django.db.models.fields.files import FieldFile

from watercooler.core.media import media_url as signed_media_url

register = template.Library()


@register.simple_tag(takes_context=True)
def media_url(context: template.Context, file: FieldFile | None) -> str:
    request = context.get("request")
    return signed_media_url(file, getattr(request, "user", None))
