"""Larger content sets made from the bundled one, for tests of how the pages scale.

A condition added here is a copy of a bundled condition under a new id, name and
order, in every language the bundled one has: its clinician row is as long as a real
one, so the summary's layout is measured against realistic text. The copies are test
data only, never content: their facts are those of the condition they copy.
"""

from __future__ import annotations

import re
from pathlib import Path

# Bundled conditions in the order copies are made from: the longest clinician rows
# first, so that an 8th condition is as hard on the summary as a real one can be.
DONORS = (
    "cidp",
    "kawasaki-disease",
    "immune-thrombocytopenia",
    "guillain-barre-syndrome",
    "myasthenia-gravis",
    "systemic-lupus-erythematosus",
    "dermatomyositis",
)
# Names as long as real ones (multifocal motor neuropathy is the usual 8th).
NAMES = (
    ("Multifocal motor neuropathy", "MMN"),
    ("Stiff person syndrome", "SPS"),
    ("Autoimmune encephalitis", "AE"),
    ("Pemphigus vulgaris", "PV"),
    ("Inclusion body myositis", "IBM"),
    ("Lambert-Eaton myasthenic syndrome", "LEMS"),
    ("Necrotizing autoimmune myopathy", "IMNM"),
    ("Autoimmune autonomic ganglionopathy", "AAG"),
)


def add_conditions(root: Path, count: int) -> list[str]:
    """Add conditions to the project at ``root`` until it has ``count``; return the
    new ids, in the order they were added (the last one sorts last on the summary)."""
    conditions = root / "conditions"
    existing = sorted(p.name.split(".")[0] for p in conditions.glob("[!_]*.en.yaml"))
    added = []
    for index in range(count - len(existing)):
        donor = DONORS[index % len(DONORS)]
        name, short = NAMES[index % len(NAMES)]
        cid = re.sub(r"[^a-z]+", "-", name.lower()).strip("-")
        for source in sorted(conditions.glob(f"{donor}.*.yaml")):
            lang = source.name.split(".")[1]
            text = source.read_text("utf-8")
            text = re.sub(r"(?m)^id: .*$", f"id: {cid}", text, count=1)
            text = re.sub(r"(?m)^name: .*$", f"name: {name}", text, count=1)
            text = re.sub(r"(?m)^short_name: .*$", f"short_name: {short}", text, count=1)
            text = re.sub(r"(?m)^order: .*$", f"order: {100 + index}", text, count=1)
            (conditions / f"{cid}.{lang}.yaml").write_text(text, "utf-8")
        added.append(cid)
    return added
