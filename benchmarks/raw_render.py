"""Plain WeasyPrint in one warm process: the floor the benchmark compares a build to.

Run by bench.py as its own process, so nothing the harness imported is warm here:

    python benchmarks/raw_render.py LIST OUT_DIR

LIST is a text file with one HTML path per line; each is written to OUT_DIR under the
same relative path (to LIST's folder) with .pdf. The first document is rendered once
as a warm-up outside the timing (fonts loaded, modules imported, caches filled), then
every document is rendered and timed. Prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from weasyprint import HTML

# The options the CLI writes its PDFs with (handouts.render.pdf_options), spelled out
# here so that this floor does not depend on the package under test.
OPTIONS: dict[str, object] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def render(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    HTML(filename=str(source)).write_pdf(str(target), **OPTIONS)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    listing, out_dir = Path(argv[0]), Path(argv[1])
    base = listing.parent
    sources = [Path(line) for line in listing.read_text().splitlines() if line.strip()]
    if not sources:
        print("no HTML files listed", file=sys.stderr)
        return 2

    started = time.perf_counter()
    render(sources[0], out_dir / "warm-up.pdf")
    warm_up = time.perf_counter() - started

    per_document: dict[str, float] = {}
    first = time.perf_counter()
    for source in sources:
        relative = source.relative_to(base) if source.is_relative_to(base) else source
        one = time.perf_counter()
        render(source, (out_dir / relative).with_suffix(".pdf"))
        per_document[str(relative)] = time.perf_counter() - one
    total = time.perf_counter() - first

    json.dump(
        {
            "documents": len(sources),
            "warm_up_seconds": warm_up,
            "seconds": total,
            "per_document_seconds": per_document,
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
