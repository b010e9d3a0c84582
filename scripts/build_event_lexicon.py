"""Build rasid/data/event_lexicon.json: Arabic event triggers -> CAMEO code -> PLOVER type/mode.

Two layers:
* a curated core (below) of high-precision news triggers written for rasid, with PLOVER
  types taken from the CAMEO->PLOVER 2021 table and modes (visit/phone/withdraw...);
* the UniversalPetrarch Arabic CAMEO verb dictionary (MIT): verb lemmas whose explicit
  codes agree, and single-noun patterns, mapped to PLOVER with CAMEO2PLOVER-2021.txt.

Only derived entries (stems, codes) are written; no corpus text.
Usage: python scripts/build_event_lexicon.py [--data ../shared/data] [--out rasid/data/event_lexicon.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.text.normalize import normalize  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "rasid" / "data" / "event_lexicon.json"

# stem forms (after clitic/affix stripping by rasid.extract.events.lexicon) -> (cameo, plover, mode, pos)
# pos "v": a verb form, fires alone; "n": an event noun, fires only with a support verb in the sentence
CURATED: dict[str, tuple[str, str, str | None, str]] = {}


def _add(verbs: str, nouns: str, cameo: str, plover: str, mode: str | None = None) -> None:
    for forms, pos in ((verbs, "v"), (nouns, "n")):
        for f in forms.split():
            CURATED[normalize(f)] = (cameo, plover, mode, pos)


_add("زار زور", "زيارة زيارات", "042", "CONSULT", "visit")
_add("استقبل ستقبل", "استقبال", "043", "CONSULT", "visit")
_add("التقى لتقي التقي لتقى التقت التقوا اجتمع جتمع", "لقاء لقاءات اجتماع اجتماعات قمة", "040", "CONSULT", "meet")
_add("باحث تباحث تشاور شاور", "محادثات مباحثات مشاورات", "040", "CONSULT", "meet")
_add("فاوض تفاوض", "مفاوضات", "046", "CONSULT", "negotiate")
_add("هاتف", "مكالمة اتصالا اتصال", "041", "CONSULT", "phone")
_add("اتفق تفق", "اتفاق اتفاقا اتفاقية اتفاقيات صفقة", "030", "AGREE", None)
_add("وقع وقعا وقعت", "توقيع", "057", "AGREE", "sign")
_add("تعهد", "", "030", "AGREE", None)
_add("أيد ؤيد دعم رحب أشاد شيد", "تأييد ترحيب إشادة", "051", "SUPPORT", None)
_add("طالب دعا دعو ناشد طلب", "مطالبة", "100", "REQUEST", None)
_add("اتهم تهم ندد انتقد نتقد أدان دين", "اتهام اتهامات تنديد انتقاد إدانة", "112", "ACCUSE", "disapprove")
_add("هدد توعد", "تهديد تهديدات", "130", "THREATEN", None)
_add("حذر", "تحذير", "130", "THREATEN", "warn")
_add("حشد حشدت", "تعزيزات", "154", "MOBILIZE", "troops")
_add("انسحب نسحب سحب أخلى خلي", "انسحاب إخلاء", "0874", "RETREAT", "withdraw")
_add("أفرج فرج", "الإفراج", "0841", "RETREAT", "release")
_add("", "هدنة", "0871", "RETREAT", "ceasefire")
_add("قصف هاجم شن شنت استهدف ستهدف اشتبك شتبك", "هجوم هجمات غارة غارات اشتباكات مواجهات", "190", "ASSAULT", None)
_add("قتل قتلت قتلوا جرح أصيب صيب اعتدى عتدى عذب خطف اختطف ختطف", "مقتل خطف اختطاف",
     "180", "ASSAULT", None)
_add("اغتال غتال", "اغتيال", "186", "ASSAULT", "assassinate")
_add("انفجر نفجر", "تفجير انفجار", "183", "ASSAULT", "explosives")
_add("تظاهر ظاهر احتج حتج اعتصم عتصم احتشد حتشد تجمهر", "مظاهرة مظاهرات تظاهرة احتجاج احتجاجات اعتصام",
     "141", "PROTEST", "demo")
_add("اعتقل عتقل احتجز حتجز", "اعتقال احتجاز", "173", "COERCE", "arrest")
_add("", "عقوبات", "163", "SANCTION", "restrict")
_add("", "مساعدات", "070", "AID", None)
_add("رفض", "", "120", "REJECT", None)


def load_plover_map(path: Path) -> dict[str, tuple[str, str | None]]:
    """CAMEO code -> (PLOVER type, mode) from CAMEO2PLOVER-2021.txt."""
    table: dict[str, tuple[str, str | None]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,\s*([^,#]*))?", line)
        if m:
            mode = (m.group(3) or "").strip() or None
            table.setdefault(m.group(1), (m.group(2), mode))
    return table


def to_plover(code: str, table: dict[str, tuple[str, str | None]]) -> tuple[str, str | None] | None:
    for k in range(len(code), 1, -1):
        if code[:k] in table:
            return table[code[:k]]
    return None


def parse_up(path: Path) -> tuple[dict[str, Counter], dict[str, Counter]]:
    """Verb lemma -> Counter(codes) and single-noun pattern -> Counter(codes)."""
    verbs: dict[str, Counter] = defaultdict(Counter)
    nouns: dict[str, Counter] = defaultdict(Counter)
    in_verbs = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("--- "):
            in_verbs = True
            continue
        if not in_verbs or not line.strip() or line.startswith(("#", "&", "+")):
            continue
        body = line.split("#", 1)[0]
        code = re.search(r"\[(\d{2,4})\]", body)
        if line.startswith("-"):
            pat = re.sub(r"\[.*?\]", "", body).lstrip("- *").strip()
            if code and re.fullmatch(r"[\u0621-\u064A]{3,}", pat):
                nouns[normalize(pat)][code.group(1)] += 1
            continue
        lemma = body.split()[0] if body.split() else ""
        if code and re.fullmatch(r"[\u0621-\u064A]{3,}", lemma):
            verbs[normalize(lemma)][code.group(1)] += 1
    return verbs, nouns


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=OUT, help="where to write the lexicon (tests write to a temp dir)")
    args = ap.parse_args()
    out: Path = args.out
    ec = args.data / "event_coding"
    table_path = ec / "plover" / "CAMEO2PLOVER-2021.txt"
    up_path = ec / "universalpetrarch_arabic" / "CAMEO.ar.0.5.txt"
    if not table_path.exists() or not up_path.exists():
        print(f"{ec} not found: nothing to build (the committed lexicon is kept)")
        return
    table = load_plover_map(table_path)
    entries: dict[str, dict] = {}
    verbs, nouns = parse_up(up_path)
    for source, counts in (("up-verb", verbs), ("up-noun", nouns)):
        for form, c in sorted(counts.items()):
            code, n = c.most_common(1)[0]
            if n / sum(c.values()) < 0.6:
                continue  # the dictionary files this lemma under conflicting codes
            pl = to_plover(code, table)
            if pl is None:
                continue
            pos = "v" if source == "up-verb" else "n"
            entries[form] = {"cameo": code, "plover": pl[0], "mode": pl[1], "source": source, "pos": pos}
    for form, (code, plover, mode, pos) in CURATED.items():
        entries[form] = {"cameo": code, "plover": plover, "mode": mode, "source": "curated", "pos": pos}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"version": 1, "entries": dict(sorted(entries.items()))}, ensure_ascii=False,
                              indent=0), encoding="utf-8")
    by_src = Counter(e["source"] for e in entries.values())
    print(f"wrote {out} with {len(entries)} entries: {dict(by_src)}")


if __name__ == "__main__":
    main()
