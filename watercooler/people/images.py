"""Profile photo processing: validate an upload by its content and make the stored sizes."""

import io
import secrets
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
PHOTO_SIZE = 512
THUMB_SIZE = 128
THUMB_EXTENSION = "webp"
MAX_PIXELS = 40_000_000


def photo_stem(username: str) -> str:
    """A file name (without extension) for a new photo of ``username``.

    Media files are fetched by URL, so the name carries 128 random bits: knowing a username is
    not enough to fetch that person's photo, or to learn that the username exists.
    """
    return f"{username}-{secrets.token_hex(16)}"


def open_checked_image(upload: UploadedFile[bytes], *, field: str, noun: str) -> Image.Image:
    """The uploaded image decoded, turned upright (EXIF) and in RGB, or ValidationError on
    ``field`` naming the ``noun`` ("photo", "image").

    The bytes are checked, never the file name or the browser's content type: a renamed PDF or a
    decompression bomb is refused before it is decoded.
    """
    if upload.size is None or upload.size > settings.PHOTO_MAX_BYTES:
        limit_mb = settings.PHOTO_MAX_BYTES // (1024 * 1024)
        raise ValidationError({field: [f"The {noun} must be at most {limit_mb} MB."]})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    {
                        field: [
                            f"{probe.format} images are not accepted; use JPEG, PNG, WebP or GIF."
                        ]
                    }
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    {field: [f"The {noun} has too many pixels (over 40 megapixels)."]}
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            return ImageOps.exif_transpose(image).convert("RGB")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,  # damaged EXIF data or an image mode that cannot become RGB
        TypeError,
        IndexError,
        KeyError,
        struct.error,
        EOFError,
        Image.DecompressionBombError,
    ):
        raise ValidationError({field: ["The file is not an image we can read."]}) from None


def make_photo_files(
    upload: UploadedFile[bytes], *, stem: str
) -> tuple[ContentFile[bytes], ContentFile[bytes]]:
    """Return (photo, thumbnail) as a square JPEG and a square WebP, or raise ValidationError on
    the ``photo`` field."""
    image = open_checked_image(upload, field="photo", noun="photo")
    square = ImageOps.fit(image, (PHOTO_SIZE, PHOTO_SIZE))
    return (
        ContentFile(jpeg_bytes(square), name=f"{stem}.jpg"),
        ContentFile(
            webp_bytes(square.resize((THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS)),
            name=f"{stem}.{THUMB_EXTENSION}",
        ),
    )


def jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def webp_bytes(image: Image.Image, quality: int = 80) -> bytes:
    """WebP for the small pictures a feed page shows many of (avatars, image previews): about a
    third of a JPEG's bytes at the same look (a 128 px face: ~1 KB instead of ~3 KB), which is
    what a phone on a slow link waits for. Every browser the app supports decodes it."""
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=quality, method=6)
    return buffer.getvalue()
