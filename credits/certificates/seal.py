"""Draw a default red seal (公章) with Pillow for the demo and for fresh installs, so certificates never print
without one. Editors replace it in Settings → Certificate settings with the academy's real seal."""

import io
import math

from PIL import Image, ImageDraw, ImageFont

SEAL_RED = (208, 28, 24, 255)
FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)


def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size, index=2)  # index 2 of the CJK collections is SC
        except OSError:
            continue
    return ImageFont.load_default(size)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def draw_seal(*, name: str, purpose: str = "教务专用章", size: int = 320) -> bytes:
    """A round seal: a thick ring, ``name`` along the upper arc, a star, and ``purpose`` across the bottom."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c, ring = size / 2, size * 0.035
    draw.ellipse((ring / 2, ring / 2, size - ring / 2, size - ring / 2), outline=SEAL_RED, width=round(ring))
    _star(draw, c, c, size * 0.13)
    # The name runs clockwise along the top, from about 8 o'clock to 4 o'clock.
    font = _font(round(size * 0.105))
    span = math.radians(240)
    radius = size * 0.36
    for i, char in enumerate(name):
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(name)
        glyph = Image.new("RGBA", (round(size * 0.14), round(size * 0.14)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle + math.pi / 2), resample=Image.BICUBIC, expand=True)
        x = c + radius * math.cos(angle) - glyph.width / 2
        y = c + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (round(x), round(y)))
    draw.text((c, c + size * 0.26), purpose, font=_font(round(size * 0.075)), fill=SEAL_RED, anchor="mm")
    buffer = io.BytesIO()
    # One colour with soft edges: a 32-colour palette keeps the edges and makes the PNG (and the PDF) small.
    image.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
