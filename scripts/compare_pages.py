"""Pixel-compare the PDFs of two output folders, page by page.

    python scripts/compare_pages.py BEFORE_DIR AFTER_DIR [--dpi 72] [--save DIFF_DIR]

For each PDF present in both folders (same relative path), every page is rendered with
pdfium and compared pixel by pixel. A line per document that differs says which pages,
how many pixels changed and the box that holds the changes (in mm from the top left),
so a change meant to touch only the QR code can be seen to touch nothing else. With
--save, each differing page is written as BEFORE | AFTER | DIFF side by side to look at.
Used when a change to the renderer or the stylesheets should leave pages as they were.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops

MM_PER_INCH = 25.4


def pages(pdf: Path, dpi: int) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def compare(before: Path, after: Path, dpi: int, save: Path | None) -> list[str]:
    lines = []
    for old in sorted(before.rglob("*.pdf")):
        relative = old.relative_to(before)
        new = after / relative
        if not new.exists():
            lines.append(f"{relative}: missing after")
            continue
        old_pages, new_pages = pages(old, dpi), pages(new, dpi)
        if len(old_pages) != len(new_pages):
            lines.append(f"{relative}: {len(old_pages)} pages before, {len(new_pages)} after")
        for number, (a, b) in enumerate(zip(old_pages, new_pages, strict=False), start=1):
            if a.size != b.size:
                lines.append(f"{relative} p{number}: page size {a.size} -> {b.size}")
                continue
            diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 24 else 0)
            box = diff.getbbox()
            if box is None:
                continue
            changed = sum(diff.histogram()[255:])
            mm = [round(v * MM_PER_INCH / dpi) for v in box]
            lines.append(
                f"{relative} p{number}: {changed} px differ "
                f"({100 * changed / (a.width * a.height):.2f}%), "
                f"within x {mm[0]}-{mm[2]} mm, y {mm[1]}-{mm[3]} mm"
            )
            if save is not None:
                sheet = Image.new("RGB", (a.width * 3, a.height), "white")
                sheet.paste(a, (0, 0))
                sheet.paste(b, (a.width, 0))
                sheet.paste(diff.convert("RGB"), (2 * a.width, 0))
                name = str(relative).replace("/", "__").removesuffix(".pdf")
                save.mkdir(parents=True, exist_ok=True)
                sheet.save(save / f"{name}-p{number}.png")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--dpi", type=int, default=72)
    parser.add_argument("--save", type=Path, help="write BEFORE|AFTER|DIFF images here")
    arguments = parser.parse_args()
    lines = compare(arguments.before, arguments.after, arguments.dpi, arguments.save)
    print("\n".join(lines) if lines else "every page is identical")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
