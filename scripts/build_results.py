"""Assemble docs/RESULTS.md from the summary and the per-capability files in docs/results/."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
SECTIONS = ["foundation", "raw_input", "dates", "stories", "robustness", "speed", "clustering", "entities",
            "ner", "events", "scale", "web", "outlets"]


def main() -> None:
    parts = [(DOCS / "results" / "_summary.md").read_text(encoding="utf-8")]
    for name in SECTIONS:
        text = (DOCS / "results" / f"{name}.md").read_text(encoding="utf-8")
        text = re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)  # one level down
        parts.append(f"<!-- from docs/results/{name}.md -->\n{text.strip()}\n")
    (DOCS / "RESULTS.md").write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
