"""Pictures and documents for the demo organisation, drawn locally with Pillow.

Nothing is downloaded: every image is drawn from shapes and text (gradients with hills for
community covers, bar charts, store shelf plans, a launch poster, an offsite map, whiteboard
sketches, landscape "photos"), and documents are real PDFs written by Pillow's PDF writer, or
small CSV files. Every function is deterministic: the same arguments give the same bytes, so
the same demo seed gives the same files. Pillow's bundled font is used, so no system font is
needed.
"""

import colorsys
import datetime as dt
import functools
import io
import itertools
import random
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFilter, ImageFont

Color = tuple[int, int, int]
COVER_SIZE = (1500, 500)  # 3:1, what communities.actions crops covers to
PHOTO_SIZE = (1200, 800)
INK: Color = (34, 40, 49)
PAPER: Color = (250, 249, 246)
PALETTE: tuple[Color, ...] = (
    (46, 125, 110),
    (230, 126, 34),
    (52, 101, 164),
    (192, 57, 43),
    (142, 68, 173),
    (241, 196, 15),
)


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font at ``size`` (loaded once per size: loading is the slow part)."""
    return ImageFont.load_default(size=size)


def _jpeg(image: Image.Image, quality: int = 82) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()


def _gradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    """A vertical gradient: Pillow's built-in ramp as the mask between two flat colours."""
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _shade(color: Color, lightness: float) -> Color:
    h, _, s = colorsys.rgb_to_hls(*(c / 255 for c in color))
    r, g, b = colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s)
    return (round(r * 255), round(g * 255), round(b * 255))


def _hills(
    draw: ImageDraw.ImageDraw, size: tuple[int, int], rng: random.Random, base: Color
) -> None:
    """Three ridges of hills, darker towards the front."""
    width, height = size
    for layer, lightness in enumerate((0.62, 0.45, 0.3)):
        top = height * (0.45 + 0.15 * layer)
        points: list[tuple[float, float]] = [(0.0, float(height))]
        x = 0.0
        y = top + rng.uniform(-40, 40)
        while x <= width:
            points.append((x, y))
            x += rng.uniform(width / 14, width / 7)
            y = min(height - 10, max(height * 0.25, y + rng.uniform(-70, 70)))
        points += [(width, y), (width, height)]
        draw.polygon(points, fill=_shade(base, lightness))


def _text_box(
    draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, fill: Color = INK
) -> None:
    draw.text(xy, text, font=font(size), fill=fill)


def _wrap(text: str, size: int, width: int) -> list[str]:
    face = font(size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if face.getlength(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


# --- Covers and photos ------------------------------------------------------------------------


def cover(seed: str, base: Color, *, sun: bool = True) -> bytes:
    """A 3:1 landscape cover: a sky gradient, a sun, and hills in the community's colour."""
    rng = random.Random(seed)  # noqa: S311 (drawing, not secrets)
    sky_top = _shade(base, 0.86)
    image = _gradient(COVER_SIZE, sky_top, (252, 244, 232))
    draw = ImageDraw.Draw(image)
    if sun:
        x, y, r = rng.uniform(900, 1350), rng.uniform(110, 220), rng.uniform(45, 70)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 226, 160))
    _hills(draw, COVER_SIZE, rng, base)
    return _jpeg(image)


def landscape_photo(seed: str, base: Color, *, caption: str = "", lake: bool = True) -> bytes:
    """A soft landscape 'photo' (hills, a lake, a sunset) of the kind people post after a trip."""
    rng = random.Random(seed)  # noqa: S311 (drawing, not secrets)
    image = _gradient(PHOTO_SIZE, _shade(base, 0.8), (255, 214, 170))
    draw = ImageDraw.Draw(image)
    x, y, r = rng.uniform(250, 950), rng.uniform(200, 320), rng.uniform(50, 80)
    draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 236, 190))
    _hills(draw, PHOTO_SIZE, rng, base)
    if lake:
        draw.rectangle((0, 640, PHOTO_SIZE[0], PHOTO_SIZE[1]), fill=_shade((70, 130, 180), 0.45))
        for _ in range(14):
            lx, ly = rng.uniform(0, PHOTO_SIZE[0]), rng.uniform(655, 790)
            draw.line((lx, ly, lx + rng.uniform(30, 120), ly), fill=(200, 220, 235), width=2)
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    if caption:
        draw = ImageDraw.Draw(image)
        _text_box(draw, (28, PHOTO_SIZE[1] - 52), caption, 26, (255, 255, 255))
    return _jpeg(image)


# --- Charts and sketches ----------------------------------------------------------------------


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float], *, unit: str = "", note: str = ""
) -> bytes:
    """A clean bar chart with labelled bars, as someone would paste from a dashboard."""
    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    _text_box(draw, (60, 36), title, 38)
    if note:
        _text_box(draw, (60, 88), note, 22, (110, 116, 125))
    left, right, top, bottom = 90, width - 60, 160, height - 110
    top_value = max(values) * 1.15 or 1
    for step in range(5):
        y = bottom - (bottom - top) * step / 4
        draw.line((left, y, right, y), fill=(228, 230, 234), width=1)
        _text_box(draw, (20, y - 12), f"{top_value * step / 4:.0f}", 18, (120, 126, 134))
    slot = (right - left) / len(values)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x0 = left + slot * index + slot * 0.18
        x1 = left + slot * (index + 1) - slot * 0.18
        y = bottom - (bottom - top) * value / top_value
        draw.rectangle((x0, y, x1, bottom), fill=PALETTE[index % len(PALETTE)])
        _text_box(draw, (x0, y - 30), f"{value:g}{unit}", 22)
        _text_box(draw, (x0, bottom + 14), label, 20, (80, 86, 95))
    return _jpeg(image, 88)


def planogram(title: str, shelves: Sequence[Sequence[str]], *, seed: str) -> bytes:
    """A store shelf plan: shelves of labelled product blocks, sketched on grid paper."""
    rng = random.Random(seed)  # noqa: S311 (drawing, not secrets)
    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 40):
        draw.line((x, 0, x, height), fill=(226, 234, 240))
    for y in range(0, height, 40):
        draw.line((0, y, width, y), fill=(226, 234, 240))
    _text_box(draw, (50, 30), title, 36)
    shelf_height = (height - 150) / max(len(shelves), 1)
    for row, items in enumerate(shelves):
        y0 = 110 + row * shelf_height
        y1 = y0 + shelf_height - 26
        draw.rectangle((40, y1, width - 40, y1 + 12), fill=(120, 90, 60))
        slot = (width - 100) / max(len(items), 1)
        for index, item in enumerate(items):
            x0 = 50 + index * slot
            color = _shade(PALETTE[(row + index) % len(PALETTE)], rng.uniform(0.55, 0.75))
            draw.rounded_rectangle((x0 + 6, y0 + 16, x0 + slot - 6, y1 - 2), 10, fill=color)
            for line_no, line in enumerate(_wrap(item, 20, int(slot - 30))[:3]):
                _text_box(draw, (x0 + 16, y0 + 28 + line_no * 24), line, 20)
    return _jpeg(image, 86)


def poster(headline: str, subtitle: str, footer: str, *, base: Color, seed: str) -> bytes:
    """A launch poster: bold headline over hills, the date at the bottom."""
    rng = random.Random(seed)  # noqa: S311 (drawing, not secrets)
    size = (800, 1100)
    image = _gradient(size, _shade(base, 0.25), _shade(base, 0.6))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.uniform(0, size[0]), rng.uniform(0, 500)
        draw.ellipse((x, y, x + 3, y + 3), fill=(255, 255, 255))
    _hills(draw, size, rng, base)
    for index, line in enumerate(_wrap(headline, 84, 700)):
        _text_box(draw, (50, 90 + index * 96), line, 84, (255, 255, 255))
    for index, line in enumerate(_wrap(subtitle, 34, 700)):
        _text_box(draw, (54, 330 + index * 44), line, 34, (255, 240, 210))
    draw.rectangle((0, size[1] - 110, size[0], size[1]), fill=(20, 24, 30))
    _text_box(draw, (50, size[1] - 78), footer, 34, (255, 255, 255))
    return _jpeg(image, 86)


def site_map(title: str, places: Sequence[tuple[str, float, float]], *, seed: str) -> bytes:
    """A hand-drawn-style map: a lake, a path joining the places, each with a pin and a name.

    ``places`` are (name, x, y) with x and y between 0 and 1."""
    rng = random.Random(seed)  # noqa: S311 (drawing, not secrets)
    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE, (238, 243, 226))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, r = rng.uniform(0, width), rng.uniform(120, height), rng.uniform(8, 22)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(196, 218, 176))
    draw.ellipse((720, 420, 1130, 720), fill=(170, 205, 230), outline=(120, 160, 200), width=3)
    _text_box(draw, (860, 560), "Lake", 26, (70, 110, 150))
    points = [(50 + x * (width - 100), 130 + y * (height - 200)) for _, x, y in places]
    draw.line(points, fill=(150, 110, 70), width=6, joint="curve")
    for (name, _, _), (x, y) in zip(places, points, strict=True):
        draw.ellipse(
            (x - 14, y - 14, x + 14, y + 14), fill=(192, 57, 43), outline=(255, 255, 255), width=3
        )
        _text_box(draw, (x + 20, y - 14), name, 24)
    draw.rectangle((0, 0, width, 96), fill=(255, 255, 255))
    _text_box(draw, (40, 28), title, 36)
    _text_box(draw, (width - 90, 30), "N", 30)
    draw.polygon([(width - 80, 24), (width - 90, 8), (width - 70, 8)], fill=INK)
    return _jpeg(image, 86)


def whiteboard(title: str, boxes: Sequence[str], *, seed: str, notes: Sequence[str] = ()) -> bytes:
    """A whiteboard after a workshop: a title, boxes joined by arrows, and sticky notes."""
    rng = random.Random(seed)  # noqa: S311 (drawing, not secrets)
    width = PHOTO_SIZE[0]
    image = _gradient(PHOTO_SIZE, (246, 247, 248), (230, 232, 235))
    draw = ImageDraw.Draw(image)
    _text_box(draw, (60, 40), title, 40, (30, 60, 140))
    draw.line((60, 96, 60 + font(40).getlength(title), 96), fill=(30, 60, 140), width=3)
    slot = (width - 120) / max(len(boxes), 1)
    centres = []
    for index, label in enumerate(boxes):
        x0 = 60 + index * slot + 10
        y0 = 200 + (index % 2) * 120 + rng.uniform(-10, 10)
        x1, y1 = x0 + slot - 40, y0 + 130
        draw.rounded_rectangle((x0, y0, x1, y1), 14, outline=(30, 60, 140), width=4)
        for line_no, line in enumerate(_wrap(label, 24, int(slot - 70))[:3]):
            _text_box(draw, (x0 + 16, y0 + 18 + line_no * 30), line, 24, (30, 30, 30))
        centres.append(((x0 + x1) / 2, (y0 + y1) / 2, x0, x1))
    for (_, ay, _, ax1), (_, by, bx0, _) in itertools.pairwise(centres):
        draw.line((ax1, ay, bx0, by), fill=(192, 57, 43), width=4)
        draw.polygon([(bx0, by), (bx0 - 16, by - 9), (bx0 - 16, by + 9)], fill=(192, 57, 43))
    for index, note in enumerate(notes):
        x0 = 80 + index * 270 + rng.uniform(-10, 10)
        y0 = 540 + rng.uniform(-12, 12)
        draw.rectangle((x0, y0, x0 + 230, y0 + 170), fill=(255, 236, 130))
        for line_no, line in enumerate(_wrap(note, 22, 200)[:5]):
            _text_box(draw, (x0 + 14, y0 + 14 + line_no * 28), line, 22, (60, 50, 20))
    return _jpeg(image, 86)


# --- Documents --------------------------------------------------------------------------------


def pdf(
    title: str,
    sections: Sequence[tuple[str, str]],
    *,
    created: dt.datetime,
    footer: str = "",
) -> bytes:
    """A real, multi-page A4 PDF (Pillow's PDF writer) with a title and headed sections,
    dated ``created`` (Pillow would stamp the current time, and the bytes would differ)."""
    size = (1240, 1754)  # A4 at 150 dpi
    margin, line_height = 110, 38
    pages: list[Image.Image] = []

    def new_page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
        page = Image.new("RGB", size, (255, 255, 255))
        draw = ImageDraw.Draw(page)
        draw.rectangle((0, 0, size[0], 24), fill=PALETTE[0])
        if footer:
            _text_box(draw, (margin, size[1] - 80), footer, 22, (120, 126, 134))
        _text_box(draw, (size[0] - margin - 80, size[1] - 80), f"{len(pages) + 1}", 22)
        pages.append(page)
        return page, draw

    _, draw = new_page()
    _text_box(draw, (margin, 110), title, 54)
    y = 220.0
    for heading, body in sections:
        lines = _wrap(body, 28, size[0] - 2 * margin)
        if y + 60 + line_height * min(len(lines), 3) > size[1] - 140:
            _, draw = new_page()
            y = 110
        _text_box(draw, (margin, y), heading, 36, PALETTE[2])
        y += 60
        for line in lines:
            if y > size[1] - 140:
                _, draw = new_page()
                y = 110
            if line.startswith("- "):
                draw.ellipse((margin + 4, y + 12, margin + 14, y + 22), fill=INK)
                _text_box(draw, (margin + 30, y), line[2:], 28)
            else:
                _text_box(draw, (margin, y), line, 28)
            y += line_height
        y += 30
    # Black and white pages: a text document needs no colour, and a page stays near 50 KB.
    pages = [page.convert("L").point(lambda v: 255 if v > 170 else 0, "1") for page in pages]
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        resolution=150.0,
        save_all=True,
        append_images=pages[1:],
        title=title,
        creationDate=created.timetuple(),
        modDate=created.timetuple(),
    )
    return out.getvalue()


def csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    lines = [",".join(header)]
    lines += [",".join(str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()
