"""Refresh the page images the README shows: ``make docs-images``.

Builds the bundled project into a temporary folder and renders chosen pages to PNG
with pypdfium2, at a size that reads on GitHub without bloating the repository.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from handouts.builder import BuildOptions, build
from handouts.project import load_project

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.content_sets import add_conditions  # noqa: E402  (the tests' larger sets)

DOCS = REPO / "docs"
SCALE = 1.1  # 72 dpi x 1.1: a Letter page is 673 x 871 pixels
# (image name, brand, document, page index)
PAGES = [
    ("brand-northfield-neurology.png", "northfield-neurology", "handout-myasthenia-gravis", 0),
    ("brand-maple-childrens.png", "maple-childrens", "handout-kawasaki-disease", 0),
    ("brand-lakeside-infusion.png", "lakeside-infusion", "handout-cidp", 0),
    ("handout-kawasaki-page2.png", "maple-childrens", "handout-kawasaki-disease", 1),
    ("clinician-summary.png", "northfield-neurology", "clinician-summary", 0),
    ("large-print-page1.png", "lakeside-infusion", "large-print/handout-dermatomyositis", 0),
    ("binder-contents.png", "northfield-neurology", "binder", 1),
    ("spanish-handout-page1.png", "northfield-neurology", "handout-myasthenia-gravis", 0, "es"),
]


def main() -> int:
    project = load_project(REPO / "handouts.toml")
    with tempfile.TemporaryDirectory() as tmp:
        result = build(project, BuildOptions(output=Path(tmp)))
        if result.failed:
            for outcome in result.failed:
                print(f"{outcome.job.output}: {outcome.error}", file=sys.stderr)
            return 1
        for image, brand, document, index, *lang in PAGES:
            pdf = pdfium.PdfDocument(Path(tmp) / brand / (lang or ["en"])[0] / f"{document}.pdf")
            pdf[index].render(scale=SCALE).to_pil().save(DOCS / image, optimize=True)
            pdf.close()
            print(f"wrote docs/{image}")
    return eight_conditions() or packet_plan() or preview_pages()


def preview_pages() -> int:
    """The preview server's pages, as the browser test's Chromium shows them (the test
    saves its screenshots into docs/ when HANDOUTS_SCREENSHOTS names the folder)."""
    import os
    import subprocess

    env = {**os.environ, "HANDOUTS_SCREENSHOTS": str(DOCS)}
    test = REPO / "tests" / "test_serve_browser.py"
    command = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", str(test)]
    code = subprocess.run(command, env=env, cwd=REPO, check=False).returncode
    for name in ("preview-index.png", "preview-document.png", "preview-error.png"):
        print(f"wrote docs/{name}")
    return code


def packet_plan() -> int:
    """The plan page of the first example patient (examples/patients.csv: made up)."""
    from handouts.packets import PacketMaker
    from handouts.patients import read_patients

    project = load_project(REPO / "handouts.toml")
    (row, *_) = read_patients(REPO / "examples" / "patients.csv")
    assert row.patient is not None, row.problems
    data, _pages = PacketMaker(project).pdf(row.patient)
    pdf = pdfium.PdfDocument(data)
    pdf[0].render(scale=SCALE).to_pil().save(DOCS / "packet-plan-page.png", optimize=True)
    pdf.close()
    print("wrote docs/packet-plan-page.png")
    return 0


def eight_conditions() -> int:
    """The summary with an 8th condition (a copy of a bundled row under another name,
    test data), in the brand with the widest text face: what the README promises."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "conditions", root / "conditions")
        add_conditions(root, 8)
        (root / "handouts.toml").write_text(
            f'title = "IVIG, 8 conditions"\nstyles = "{REPO / "styles"}"\n'
            f'templates = "{REPO / "templates"}"\nlanguages = ["en"]\n',
            "utf-8",
        )
        options = BuildOptions(
            output=root / "out", brands=("lakeside-infusion",), kinds=("summary",)
        )
        result = build(load_project(root / "handouts.toml"), options)
        if result.failed:
            print(f"8 conditions: {result.failed[0].error}", file=sys.stderr)
            return 1
        image = "clinician-summary-8-conditions.png"
        pdf = pdfium.PdfDocument(root / "out/lakeside-infusion/en/clinician-summary.pdf")
        pdf[0].render(scale=SCALE).to_pil().save(DOCS / image, optimize=True)
        pdf.close()
        print(f"wrote docs/{image} ({result.outcomes[0].fit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
