"""Do OCR and the rules find in a screenshot the flags they find in the advert's text?

Each advert of a set is drawn as a phone would show it (a message bubble, DejaVu Sans at a phone's
size, emoji drawn as the font can), read back with Tesseract (bot/services/picture_text.py), and
read for flags; the figure is the share of adverts whose flags from the picture equal those from
the text (goal ≥ 80%). Nothing is written to disk.

    python scripts/advert_screenshots.py tests/data/adverts_A.yaml [--limit N]
"""

import argparse
import asyncio
import io
import sys
import textwrap
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content.loader import PACKAGED_CONTENT, load_advert_flags
from bot.services.picture_text import PictureReader, PictureText
from bot.understanding.advert_reading import AdvertReader

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WIDTH = 720
"""A phone screenshot's width in pixels."""
FONT_SIZE = 26
MARGIN = 28


def screenshot(text: str) -> bytes:
    """The advert drawn in a chat bubble, as PNG bytes."""
    font = ImageFont.truetype(FONT, FONT_SIZE)
    lines = [wrapped for line in text.splitlines() for wrapped in (textwrap.wrap(line, 44) or [""])]
    height = MARGIN * 2 + len(lines) * int(FONT_SIZE * 1.4)
    image = Image.new("RGB", (WIDTH, height + 40), (231, 235, 240))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((12, 12, WIDTH - 12, height + 20), radius=18, fill=(255, 255, 255))
    for index, line in enumerate(lines):
        draw.text((MARGIN, MARGIN + index * int(FONT_SIZE * 1.4)), line, font=font, fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def agreement(adverts: list[dict[str, object]], reader: AdvertReader, pictures: PictureText) -> tuple[int, int]:
    """(adverts whose picture gives the text's flags, adverts read)."""
    same = 0
    for advert in adverts:
        text = str(advert["text"])
        read = await pictures.read(screenshot(text), person="screenshots")
        if read is not None and set(reader.read(read).flags) == set(reader.read(text).flags):
            same += 1
    return same, len(adverts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="read only the first N adverts")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one picture may take")
    args = parser.parse_args()
    adverts = YAML(typ="safe").load(args.set.read_text(encoding="utf-8"))["adverts"]
    if args.limit:
        adverts = adverts[: args.limit]
    pictures = PictureText(PictureReader.found(timeout=args.timeout))
    if not pictures.available:
        print("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-tgk "
              "tesseract-ocr-uzb tesseract-ocr-uzb-cyrl tesseract-ocr-eng")  # fmt: skip
        return 1
    started = time.monotonic()
    same, total = asyncio.run(agreement(adverts, AdvertReader(load_advert_flags(PACKAGED_CONTENT)), pictures))
    seconds = time.monotonic() - started
    print(f"same flags from the screenshot as from the text: {same}/{total} = {same / total:.1%} "
          f"({seconds / total:.1f} s per picture)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
