"""Build ``rasid/data/countries_ar.tsv``: ISO 3166-1 alpha-2 codes with their Arabic names (CLDR).

The outlet registry records each outlet's country as a code; the API and the web UI show people the
Arabic name, never the code, and the registry's integrity test uses this table as the list of valid
codes. Names come from the Unicode CLDR territory names as packaged by Babel (``pip install babel``;
not a runtime dependency of rasid, only of this one-off build). Grouping codes (``001``, ``EU``…),
the user-assigned ``XK``/``XA``/``XB`` and the unknown region ``ZZ`` are left out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}
HEADER = """# ISO 3166-1 alpha-2 country code<TAB>Arabic name.
# source: Unicode CLDR territory names (Unicode licence v3), via Babel {version}; built by scripts/build_countries.py.
# used by: rasid.serve.outlets (valid codes of outlet_registry.tsv; Arabic country names for the API and web UI).
"""


def build() -> str:
    import babel
    from babel import Locale

    names = Locale("ar").territories
    rows = sorted((c, n) for c, n in names.items() if len(c) == 2 and c.isalpha() and c.isupper()
                  and c not in NOT_COUNTRIES)
    return HEADER.format(version=babel.__version__) + "".join(f"{c}\t{n}\n" for c, n in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "rasid/data/countries_ar.tsv")
    args = ap.parse_args()
    args.out.write_text(build(), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
