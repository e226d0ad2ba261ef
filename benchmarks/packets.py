"""Packets per second, render-once against whole, side by side: part of ``make bench``.

    python benchmarks/packets.py [N] [--keep]

Writes N made-up patients (default 1000) over every condition, both languages and
both editions, then times in two fresh processes, one after the other:

- once: ``make_packets`` as ``handouts packets`` runs it: each condition's handout
  laid out once per language, edition and brand, only the plan page per patient;
- whole: the same with the handout layout cache off (``packets.MAX_LAYOUTS = 0``),
  so every packet is laid out whole, as a tool without render-once would;

and ``handouts packets --one -`` for one patient at the point of care, start-up
included (the median of 3). Prints one JSON object: seconds, packets per second, the
ratio ``packets_over_whole`` and each process's peak RSS.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LANGS = ("en", "es")
EDITIONS = ("standard", "large-print")
GIVEN = ("Alex", "Sam", "Robin", "Jordan", "Casey", "Riley", "Morgan", "Avery")
FAMILY = ("Example", "Sample", "Placeholder", "Testcase", "Muster", "Ejemplo")


def patients(count: int, conditions: list[str]) -> list[dict[str, object]]:
    rows = []
    for n in range(count):
        rows.append(
            {
                "name": f"{GIVEN[n % len(GIVEN)]} {FAMILY[n % len(FAMILY)]}-{n}",
                "condition": conditions[n % len(conditions)],
                "lang": LANGS[(n // len(conditions)) % 2],
                "edition": EDITIONS[(n // (2 * len(conditions))) % 2],
                "product": "Example IVIG (as prescribed)",
                "dose": "as prescribed",
                "prepared_by": "RN Example",
                "prepared_on": "2026-12-07",
                "appointments": [{"date": "2026-12-09", "time": "09:30", "place": "Room 4"}],
                "care_team": [{"name": "Dr. Example", "role": "Doctor", "phone": "(555) 555-0142"}],
            }
        )
    return rows


def child(mode: str, source: Path, out: Path) -> None:
    """In a process of its own: time make_packets over the file."""
    from handouts import packets
    from handouts.patients import read_patients
    from handouts.project import load_project

    if mode == "whole":
        packets.MAX_LAYOUTS = 0
    project = load_project(REPO / "handouts.toml")
    rows = read_patients(source)
    started = time.perf_counter()
    made = packets.make_packets(project, rows, out)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    good = sum(1 for o in made if o.path is not None)
    print(json.dumps({"seconds": seconds, "packets": good, "peak_rss_mb": peak}))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1], Path(argv[2]), Path(argv[3]))
        return 0
    count = int(argv[0]) if argv and argv[0].isdigit() else 1000
    conditions = sorted(
        p.name.removesuffix(".en.yaml") for p in (REPO / "conditions").glob("[!_]*.en.yaml")
    )
    work = Path(tempfile.mkdtemp(prefix="handouts-packets-"))
    source = work / "patients.jsonl"
    rows = patients(count, conditions)
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    result: dict[str, object] = {"patients": count}
    for mode in ("once", "whole"):
        done = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(source), str(work / mode)],
            capture_output=True, text=True, check=True, cwd=REPO,
        )  # fmt: skip
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["packets_per_second"] = figures["packets"] / figures["seconds"]
        result[mode] = figures
    once, whole = result["once"], result["whole"]
    assert isinstance(once, dict)
    assert isinstance(whole, dict)
    result["packets_over_whole"] = once["packets_per_second"] / whole["packets_per_second"]
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "handouts", "--config", str(REPO / "handouts.toml"),
             "packets", "--one", "-"],
            input=json.dumps(rows[0]).encode(), capture_output=True, check=True, cwd=work,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    result["one_packet_seconds"] = statistics.median(times)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
