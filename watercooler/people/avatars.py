"""Portrait-like avatars drawn with Pillow, for demo people (no network, no stock photos).

A flat, friendly head-and-shoulders figure on a soft two-colour gradient: skin tone, hair style
and colour, clothes and glasses vary, so a page full of people does not look cloned. The same
``AvatarStyle`` always gives the same bytes, so the demo stays deterministic.
"""

import functools
import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from watercooler.people.images import PHOTO_SIZE, THUMB_SIZE, webp_bytes

RGB = tuple[int, int, int]

# Soft backgrounds: (top, bottom) of the gradient.
BACKGROUNDS: tuple[tuple[RGB, RGB], ...] = (
    ((253, 226, 204), (246, 183, 150)),  # peach
    ((214, 236, 226), (152, 204, 184)),  # sage
    ((212, 228, 247), (150, 186, 232)),  # sky
    ((236, 222, 247), (196, 168, 230)),  # lavender
    ((255, 240, 196), (246, 205, 120)),  # butter
    ((222, 240, 244), (140, 200, 210)),  # lagoon
    ((246, 220, 226), (226, 160, 178)),  # rose
    ((230, 232, 220), (186, 192, 160)),  # moss
    ((226, 226, 240), (170, 172, 210)),  # dusk
    ((250, 232, 218), (220, 178, 150)),  # sand
    ((216, 238, 212), (164, 210, 150)),  # fern
    ((238, 238, 238), (198, 204, 214)),  # pebble
)

SKIN_TONES: tuple[RGB, ...] = (
    (255, 219, 186),
    (241, 194, 155),
    (224, 172, 128),
    (198, 140, 98),
    (160, 106, 70),
    (120, 78, 52),
    (88, 57, 39),
)

HAIR_COLOURS: tuple[RGB, ...] = (
    (34, 28, 26),  # black
    (70, 46, 32),  # dark brown
    (112, 74, 46),  # brown
    (156, 88, 50),  # auburn
    (214, 176, 110),  # blond
    (186, 186, 190),  # grey
    (238, 234, 226),  # white
)

CLOTHES: tuple[RGB, ...] = (
    (44, 62, 80),  # navy
    (52, 120, 110),  # teal
    (178, 70, 62),  # brick
    (70, 90, 150),  # indigo
    (214, 140, 50),  # ochre
    (96, 110, 70),  # olive
    (120, 72, 120),  # plum
    (60, 60, 66),  # charcoal
    (236, 236, 232),  # white
    (130, 160, 190),  # chambray
)

HAIR_STYLES = ("short", "side", "long", "bun", "curly", "bald", "headscarf", "ponytail")
NECKLINES = ("crew", "vee", "collar")


@dataclass(frozen=True)
class AvatarStyle:
    background: int
    skin: int
    hair_colour: int
    hair_style: str
    clothes: int
    neckline: str
    glasses: bool


def random_style(rng: random.Random) -> AvatarStyle:
    hair_style = rng.choice(HAIR_STYLES)
    # Grey and white hair are less common than the rest.
    hair_colour = rng.choices(range(len(HAIR_COLOURS)), weights=(6, 6, 5, 2, 3, 2, 1))[0]
    return AvatarStyle(
        background=rng.randrange(len(BACKGROUNDS)),
        skin=rng.randrange(len(SKIN_TONES)),
        hair_colour=hair_colour,
        hair_style=hair_style,
        clothes=rng.randrange(len(CLOTHES)),
        neckline=rng.choice(NECKLINES),
        glasses=rng.random() < 0.22,
    )


def _shade(colour: RGB, factor: float) -> RGB:
    r, g, b = (max(0, min(255, round(c * factor))) for c in colour)
    return (r, g, b)


@functools.lru_cache(maxsize=len(BACKGROUNDS) * 2)
def _gradient(size: int, background: int) -> Image.Image:
    """The background, cached: making a gradient costs more than drawing the whole figure."""
    top, bottom = BACKGROUNDS[background]
    mask = Image.linear_gradient("L").resize((size, size))
    return Image.composite(
        Image.new("RGB", (size, size), bottom), Image.new("RGB", (size, size), top), mask
    )


def render(style: AvatarStyle, size: int = PHOTO_SIZE) -> Image.Image:
    """Draw the avatar at ``size`` pixels square (drawn at twice the size, then reduced)."""
    s = size * 2
    top = BACKGROUNDS[style.background][0]
    image = _gradient(s, style.background).copy()
    draw = ImageDraw.Draw(image)
    skin = SKIN_TONES[style.skin]
    skin_shadow = _shade(skin, 0.86)
    hair = HAIR_COLOURS[style.hair_colour]
    clothes = CLOTHES[style.clothes]

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * s), round(y0 * s), round(x1 * s), round(y1 * s))

    def xy(x: float, y: float) -> tuple[int, int]:
        return (round(x * s), round(y * s))

    # A soft halo behind the head.
    draw.ellipse(box(0.16, 0.1, 0.84, 0.78), fill=_shade(top, 1.03))

    cx = 0.5

    scarf = CLOTHES[(style.clothes + 4) % len(CLOTHES)]
    cap = scarf if style.hair_style == "headscarf" else hair

    # Hair (or a scarf) that falls behind the head and shoulders.
    if style.hair_style == "long":
        draw.rounded_rectangle(
            box(cx - 0.2, 0.19, cx + 0.2, 0.76), radius=round(0.16 * s), fill=hair
        )
    elif style.hair_style == "headscarf":
        draw.rounded_rectangle(
            box(cx - 0.2, 0.15, cx + 0.2, 0.8), radius=round(0.2 * s), fill=scarf
        )
    elif style.hair_style == "bun":
        draw.ellipse(box(cx - 0.085, 0.09, cx + 0.085, 0.25), fill=hair)
    elif style.hair_style == "ponytail":
        draw.ellipse(box(cx + 0.1, 0.28, cx + 0.24, 0.62), fill=hair)
    elif style.hair_style == "curly":
        for dx, dy, r in (
            (-0.13, 0.27, 0.065),
            (-0.07, 0.2, 0.075),
            (0.0, 0.18, 0.08),
            (0.07, 0.2, 0.075),
            (0.13, 0.27, 0.065),
            (-0.16, 0.35, 0.05),
            (0.16, 0.35, 0.05),
        ):
            draw.ellipse(box(cx + dx - r, dy - r, cx + dx + r, dy + r), fill=hair)

    # Shoulders and clothes.
    draw.rounded_rectangle(box(0.12, 0.7, 0.88, 1.25), radius=round(0.2 * s), fill=clothes)
    # Neck, with a shadow under the chin.
    draw.rounded_rectangle(box(cx - 0.07, 0.5, cx + 0.07, 0.76), radius=round(0.05 * s), fill=skin)
    draw.rectangle(box(cx - 0.07, 0.56, cx + 0.07, 0.61), fill=skin_shadow)
    if style.neckline == "vee":
        draw.polygon([xy(cx - 0.11, 0.71), xy(cx + 0.11, 0.71), xy(cx, 0.84)], fill=skin)
    elif style.neckline == "collar":
        collar = _shade(clothes, 1.25) if sum(clothes) < 600 else _shade(clothes, 0.85)
        draw.polygon(
            [xy(cx - 0.12, 0.7), xy(cx, 0.8), xy(cx - 0.05, 0.86), xy(cx - 0.16, 0.74)], fill=collar
        )
        draw.polygon(
            [xy(cx + 0.12, 0.7), xy(cx, 0.8), xy(cx + 0.05, 0.86), xy(cx + 0.16, 0.74)], fill=collar
        )
    else:
        draw.chord(box(cx - 0.09, 0.64, cx + 0.09, 0.78), 0, 180, fill=skin)

    # Ears, then the hair's crown, then the face over it: the face's top edge is the hairline.
    if style.hair_style != "headscarf":
        draw.ellipse(box(cx - 0.19, 0.36, cx - 0.11, 0.47), fill=skin_shadow)
        draw.ellipse(box(cx + 0.11, 0.36, cx + 0.19, 0.47), fill=skin_shadow)
    if style.hair_style == "bald":
        draw.ellipse(box(cx - 0.155, 0.2, cx + 0.155, 0.6), fill=skin)
        draw.ellipse(box(cx - 0.07, 0.23, cx + 0.01, 0.27), fill=_shade(skin, 1.06))
    else:
        draw.ellipse(box(cx - 0.17, 0.165, cx + 0.17, 0.5), fill=cap)
        if style.hair_style == "headscarf":
            draw.ellipse(box(cx - 0.13, 0.26, cx + 0.13, 0.6), fill=skin)
        else:
            draw.ellipse(box(cx - 0.155, 0.25, cx + 0.155, 0.6), fill=skin)
        if style.hair_style == "side":
            draw.ellipse(box(cx - 0.17, 0.19, cx + 0.06, 0.33), fill=hair)
        elif style.hair_style == "long":
            draw.rectangle(box(cx - 0.17, 0.33, cx - 0.14, 0.56), fill=hair)
            draw.rectangle(box(cx + 0.14, 0.33, cx + 0.17, 0.56), fill=hair)

    if style.glasses:
        frame = (40, 40, 44)
        width = max(2, round(0.012 * s))
        draw.rounded_rectangle(
            box(cx - 0.125, 0.38, cx - 0.025, 0.45),
            radius=round(0.02 * s),
            outline=frame,
            width=width,
        )
        draw.rounded_rectangle(
            box(cx + 0.025, 0.38, cx + 0.125, 0.45),
            radius=round(0.02 * s),
            outline=frame,
            width=width,
        )
        draw.line([xy(cx - 0.025, 0.405), xy(cx + 0.025, 0.405)], fill=frame, width=width)

    return image.reduce(2)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def avatar_images(style: AvatarStyle) -> tuple[bytes, bytes]:
    """(photo JPEG, thumbnail WebP) bytes at the sizes and formats ``images.make_photo_files``
    stores."""
    photo = render(style, PHOTO_SIZE)
    # A box filter is plenty for a shrink by a whole factor, and many times faster than Lanczos.
    thumb = photo.reduce(PHOTO_SIZE // THUMB_SIZE)
    return _jpeg(photo, 85), webp_bytes(thumb)
