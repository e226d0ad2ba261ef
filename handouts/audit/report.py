"""The audit as people read it: a terminal table, a Markdown table for the README, and
report files (``audit.json`` for programs, ``audit.html`` for a browser)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rich.console import Console
from rich.table import Table

from handouts import __version__
from handouts.audit import pemat
from handouts.audit.run import AuditReport, HandoutAudit
from handouts.errors import Problem, display_path
from handouts.output import write_atomic

HERE = Path(__file__).resolve().parent


def to_json(report: AuditReport) -> dict[str, Any]:
    return {
        "generator": f"handouts {__version__}",
        "date": report.today.isoformat(),
        "brands": report.brands,
        "thresholds": {
            "pemat_pass": pemat.PASS_LINE,
            "pemat_target": pemat.TARGET,
            "formulas": {
                h.condition.lang: {
                    "name": h.formula.name,
                    "unit": h.formula.unit,
                    "target": h.formula.target,
                    "limit": h.formula.limit,
                }
                for h in report.handouts
            },
        },
        "handouts": [_handout(h) for h in report.handouts],
        "summaries": [
            {
                "lang": s.lang,
                "brand": s.brand,
                "fit": s.step or None,
                "fits": s.fits,
                "predicted_fill": None if s.fill is None else round(s.fill, 3),
            }
            for s in report.summaries
        ],
        "reviews": [
            {
                "file": display_path(path),
                "status": review.status,
                "reviewer": review.reviewer,
                "reviewed": _iso(review.reviewed),
                "next_review": _iso(review.next_review),
                "version": review.version,
                "updated": review.updated.isoformat(),
                "overdue": review.overdue(report.today),
            }
            for path, review in report.reviews.items()
        ],
        "problems": [_problem(p) for p in report.all_problems()],
        "errors": sum(p.severity == "error" for p in report.all_problems()),
    }


def _handout(h: HandoutAudit) -> dict[str, Any]:
    c = h.condition
    return {
        "id": c.id,
        "lang": c.lang,
        "name": c.name,
        "short_name": c.short_name,
        "title": c.title,
        "status": c.status,
        "reading": {
            "formula": h.formula.name,
            "overall": h.overall.value,
            "overall_label": h.formula.label(h.overall.value),
            "hardest": (
                {"label": h.worst.label, "level": h.formula.label(h.worst.reading.value)}
                if h.worst
                else None
            ),
            "as_written": h.overall.as_written,
            "words": h.overall.words,
            "sentences": h.overall.sentences,
            "names_left_out": c.names,
            "sections": [
                {
                    "key": s.key,
                    "label": s.label,
                    "value": s.reading.value if s.judged else None,
                    "measured": s.reading.value,
                    "as_written": s.reading.as_written,
                    "words": s.reading.words,
                    "judged": s.judged,
                    "where": str(s.location),
                }
                for s in h.sections
            ],
            "hard_words": list(h.overall.hard_words),
            "undefined_words": list(h.undefined_words),
        },
        "pemat": {
            "understandability": _score(h.understandability),
            "actionability": _score(h.actionability),
            "items": [
                {
                    "number": i.number,
                    "group": i.group,
                    "item": i.text,
                    "result": i.result,
                    "reason": i.reason,
                }
                for i in h.items
            ],
        },
        "pages": {
            edition: {"pages": count, "fit": step or "normal spacing"}
            for edition, (count, step) in h.pages.items()
        },
        "pages_by_brand": {
            edition: {
                brand: {"pages": count, "fit": step or "normal spacing"}
                for brand, (count, step) in by_brand.items()
            }
            for edition, by_brand in h.layouts.items()
        },
        "terms": [t.term for t in c.terms],
        "problems": [_problem(p) for p in h.problems],
    }


def _score(score: pemat.Score) -> dict[str, Any]:
    return {"points": score.points, "applicable": score.applicable, "percent": score.percent}


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "where": str(p.location),
        "severity": p.severity,
        "message": p.message,
        "strict_error": p.severity == "error" or p.escalates,
    }


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def write_reports(report: AuditReport, folder: Path) -> list[Path]:
    """Write ``audit.json`` and ``audit.html`` into ``folder``, each whole or not at all."""
    data = to_json(report)
    json_path, html_path = folder / "audit.json", folder / "audit.html"
    write_atomic(json_path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())
    write_atomic(html_path, to_html(data).encode("utf-8"))
    return [html_path, json_path]


def to_html(data: dict[str, Any]) -> str:
    env = Environment(
        loader=FileSystemLoader(HERE),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(a=data)


def _cells(h: dict[str, Any], short: bool = False) -> list[str]:
    reading = h["reading"]
    worst = reading["hardest"]
    u, a = h["pemat"]["understandability"], h["pemat"]["actionability"]
    pages = h["pages"]

    def page(edition: str) -> str:
        if edition not in pages:
            return "-"
        tight = "*" if pages[edition]["fit"] == "tight spacing" else ""
        return f"{pages[edition]['pages']}{tight}"

    def percent(score: dict[str, Any]) -> str:
        return f"{score['percent']:.0f}%" if score["percent"] is not None else "-"

    return [
        h["short_name"] if short else h["name"],
        h["lang"],
        reading["overall_label"],
        f"{worst['level']}, {worst['label']}" if worst else "-",
        percent(u),
        percent(a),
        f"{page('standard')} / {page('large-print')}",
        str(reading["words"]),
        h["status"],
    ]


HEADERS = [
    "Handout",
    "Lang",
    "Reading level",
    "Hardest section",
    "PEMAT understandability",
    "PEMAT actionability",
    "Pages (standard / large print)",
    "Words",
    "Review",
]
SHORT_HEADERS = ["Handout", "Lang", "Level", "Hardest section", "PEMAT-U", "PEMAT-A", "Pages",
                 "Words", "Review"]  # fmt: skip


def print_table(data: dict[str, Any], console: Console) -> None:
    table = Table(
        title=f"Content audit, {data['date']}",
        caption=f"Pages: standard / large print, the longest over {', '.join(data['brands'])}; "
        "* tight spacing was needed.",
    )
    for header in SHORT_HEADERS:
        table.add_column(header, justify="right" if header == "Words" else "left")
    for h in data["handouts"]:
        table.add_row(*_cells(h, short=True))
    console.print(table)
    for line in summary_lines(data):
        console.print(line, highlight=False)


def summary_lines(data: dict[str, Any]) -> list[str]:
    """ "Clinician summary, en: 8.5 pt (lakeside-infusion), ...": one line a language."""
    lines = []
    for lang in dict.fromkeys(s["lang"] for s in data["summaries"]):
        fits = [s for s in data["summaries"] if s["lang"] == lang]
        each = ", ".join(
            f"{s['fit'] if s['fits'] else 'does not fit'} ({s['brand']})"
            if s["fit"] is not None or not s["fits"]
            else f"about {s['predicted_fill']:.0%} of a page at 7.5 pt ({s['brand']})"
            for s in fits
        )
        lines.append(f"Clinician summary, {lang}: {each}")
    return lines


def markdown_table(data: dict[str, Any]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_cells(h)) + " |" for h in data["handouts"]]
    return "\n".join(lines) + "\n"
