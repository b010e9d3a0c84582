"""Regenerate tests/golden/ (the demo export that tests/test_golden.py compares byte for byte).

Run only when a change of output is intended, and say in the commit what changed and why:
    python scripts/update_golden.py
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


def main() -> None:
    os.chdir(ROOT)
    rasid = [sys.executable, "-m", "rasid"]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.db")
        subprocess.run([*rasid, "run", "demo/corpus", "--db", db, "-q"], check=True)
        subprocess.run([*rasid, "export", "--db", db, "--format", "json", "-o", str(Path(tmp) / "e.json")], check=True)
        subprocess.run([*rasid, "export", "--db", db, "--format", "csv", "-o", str(Path(tmp) / "csv")], check=True)
        GOLDEN.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(tmp) / "e.json", GOLDEN / "demo_export.json")
        lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
                 for p in sorted((Path(tmp) / "csv").glob("*.csv"))]
        (GOLDEN / "demo_csv.sha256").write_text("\n".join(lines) + "\n")
    print(f"updated {GOLDEN}")


if __name__ == "__main__":
    main()
