"""Build every handout and summary of this project: ``python generate.py [options]``.

The same as ``handouts build`` run in this folder; options are the build command's.
"""

from pathlib import Path

from handouts._entry import generate

if __name__ == "__main__":
    generate(config=Path(__file__).resolve().parent / "handouts.toml")
