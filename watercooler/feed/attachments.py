"""Checking post attachments by their content and making image thumbnails.

Only what is on the allow-list is stored, and only when the bytes agree with the name: images
are decoded by Pillow (JPEG, PNG, WebP, GIF), documents are checked by their magic bytes, text by
being UTF-8 without NULs. HTML and SVG are never accepted, and downloads are always sent with
``Content-Disposition: attachment`` (see ``api.download_attachment``).
"""

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from PIL import Image, ImageOps, UnidentifiedImageError

from watercooler.people.images import ALLOWED_FORMATS, MAX_PIXELS, webp_bytes

THUMB_WIDTH = 640
# A description read aloud by a screen reader; longer belongs in the post itself.
ALT_TEXT_MAX = 500
ALT_TEXT_TOO_LONG = f"The description may have at most {ALT_TEXT_MAX} characters."
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# extension -> (content type, accepted leading bytes or None for text)
FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP_MAGIC,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP_MAGIC),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP_MAGIC,
    ),
    "zip": ("application/zip", ZIP_MAGIC),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
}
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "gif"}
FIELD = "file"


@dataclass
class CheckedFile:
    """An upload that passed the checks, ready to be saved on an Attachment."""

    name: str
    content_type: str
    size: int
    file: ContentFile[bytes]
    thumbnail: ContentFile[bytes] | None = None
    width: int | None = None
    height: int | None = None


def _error(message: str) -> ValidationError:
    return ValidationError({FIELD: [message]})


def _clean_name(raw: str) -> str:
    name = PurePath(raw or "file").name.replace("\x00", "").strip() or "file"
    return name[-200:]


def save_checked(attachment: Any, checked: CheckedFile) -> None:
    """Fill ``attachment`` (a post's or a message's: the same fields) from ``checked``, store its
    file and thumbnail, and save the row. Files are written before the row; Django has no
    rollback hook, so a rolled-back upload leaves an orphan file under an unguessable name."""
    attachment.name = checked.name
    attachment.content_type = checked.content_type
    attachment.size = checked.size
    attachment.width = checked.width
    attachment.height = checked.height
    attachment.file.save(checked.file.name or "file", checked.file, save=False)
    if checked.thumbnail is not None:
        attachment.thumbnail.save(
            checked.thumbnail.name or "thumb.jpg", checked.thumbnail, save=False
        )
    attachment.save()


def with_descriptions[F](files: Sequence[F], descriptions: Sequence[str]) -> list[tuple[F, str]]:
    """Each file with its description, given in the same order (missing ones are empty);
    ValidationError on ``alt_texts`` when there are more descriptions than files."""
    given = list(descriptions)
    while given and not given[-1].strip():
        given.pop()  # an empty field sent along (a form's description box) is no description
    if len(given) > len(files):
        raise ValidationError({"alt_texts": ["Send at most one description per file."]})
    given += [""] * (len(files) - len(given))
    return list(zip(files, given, strict=True))


def download_response(attachment: Any) -> FileResponse:
    """A stored file (a post's or a message's attachment) for the person the caller allowed,
    always as a download (``Content-Disposition: attachment``), never shown inline."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def check_alt_text(raw: str | None) -> str:
    """The description of an attachment, stripped; ValidationError on ``alt_text`` if too long."""
    text = (raw or "").strip()
    if len(text) > ALT_TEXT_MAX:
        raise ValidationError({"alt_text": [ALT_TEXT_TOO_LONG]})
    return text


def check_upload(upload: UploadedFile[bytes]) -> CheckedFile:
    """Validate ``upload`` (size, type by content) or raise ValidationError on ``file``."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise _error(f"Each file must be at most {limit // (1024 * 1024)} MB.")
    if upload.size == 0:
        raise _error("The file is empty.")
    name = _clean_name(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    data = upload.read()
    stored = f"{uuid.uuid4().hex}"
    if ext in IMAGE_EXTENSIONS:
        return _check_image(data, name=name, stored=stored)
    if ext not in FILE_TYPES:
        allowed = ", ".join(sorted({*FILE_TYPES, "jpg", "png", "webp", "gif"}))
        raise _error(f"This kind of file is not accepted. Allowed: {allowed}.")
    content_type, magic = FILE_TYPES[ext]
    if magic is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise _error("A text file must be UTF-8 text.") from None
        if b"\x00" in data:
            raise _error("A text file must be UTF-8 text.")
    elif not data.startswith(magic):
        raise _error(f"The file's content is not a .{ext} file.")
    return CheckedFile(
        name=name,
        content_type=content_type,
        size=len(data),
        file=ContentFile(data, name=f"{stored}.{ext}"),
    )


def _check_image(data: bytes, *, name: str, stored: str) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS or probe.format not in IMAGE_TYPES:
                raise _error("Images must be JPEG, PNG, WebP or GIF.")
            if probe.width * probe.height > MAX_PIXELS:
                raise _error("The image has too many pixels (over 40 megapixels).")
            image_format = probe.format
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image)
            width, height = upright.size
            thumb = upright.convert("RGB")
            if thumb.width > THUMB_WIDTH:
                thumb = thumb.resize(
                    (THUMB_WIDTH, max(1, round(thumb.height * THUMB_WIDTH / thumb.width))),
                    Image.Resampling.LANCZOS,
                )
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise _error("The file is not an image we can read.") from None
    content_type, ext = IMAGE_TYPES[image_format]
    return CheckedFile(
        name=name,
        content_type=content_type,
        size=len(data),
        file=ContentFile(data, name=f"{stored}.{ext}"),
        thumbnail=ContentFile(webp_bytes(thumb), name=f"{stored}-thumb.webp"),
        width=width,
        height=height,
    )
