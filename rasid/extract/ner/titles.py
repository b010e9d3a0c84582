"""Titles and roles around person names ("الرئيس الروسي", "المتحدث باسم الكرملين").

Titles are split off so "الرئيس الروسي فلاديمير بوتين" and "بوتين" resolve to one person,
and kept as an attribute of the entity.
"""

from __future__ import annotations

import re

from rasid.text.normalize import normalize

TITLE_WORDS = frozenset(normalize(w) for w in """
الرئيس رئيس الرئيسة رئيسة نائب النائب وزير الوزير وزيرة وزيرة المتحدث متحدث المتحدثة الناطق ناطق السفير سفير
الملك ملك الأمير أمير الشيخ الجنرال العقيد اللواء العميد الفريق المشير الدكتور د السيد السيدة المستشار
الزعيم زعيم القائد قائد المبعوث مبعوث الأمين أمين مساعد مدير المدير القيادي المسؤول مسؤول رئيس_الوزراء
العاهل ولي المرشد البابا الحاخام المفتي القاضي النقيب الرائد المقدم الملازم الرقيب
""".split())

MODIFIER_WORDS = frozenset(normalize(w) for w in """
باسم العام السابق الحالي الانتقالي الخارجية الدفاع الداخلية الوزراء الجمهورية الكرملين الخاص الأممي
الأعلى الأول الثاني العهد للشؤون لشؤون الشؤون الرئاسة الحكومة الرئاسي الإعلامي الصحفي المؤقت
""".split())

_WORD = re.compile(r"[\w\u0600-\u06FF]+")


def _is_modifier(norm: str) -> bool:
    """Nisba adjectives (الروسي، السورية) and role complements that follow a title word."""
    return norm in MODIFIER_WORDS or (norm.startswith("ال") and norm.endswith(("ي", "يه")) and len(norm) >= 5)


def split_title(span_text: str) -> tuple[str, int]:
    """(title, offset where the bare name starts) for a mention text that may start with a title."""
    words = list(_WORD.finditer(span_text))
    i = 0
    while i < len(words) - 1 and normalize(words[i].group()) in TITLE_WORDS:
        i += 1
        while i < len(words) - 1 and _is_modifier(normalize(words[i].group())):
            i += 1
    if i == 0:
        return "", 0
    return span_text[: words[i - 1].end()].strip(), words[i].start()


def preceding_title(text: str, start: int, window: int = 6) -> str:
    """The title phrase immediately before ``start`` in ``text`` (empty when none)."""
    left = text[max(0, start - 80):start]
    if "\n" in left:
        left = left.rsplit("\n", 1)[1]
    words = list(_WORD.finditer(left))[-window:]
    if not words or left[words[-1].end():].strip():
        return ""
    title_at = None
    for k in range(len(words) - 1, -1, -1):
        norm = normalize(words[k].group())
        if norm in TITLE_WORDS:
            title_at = k
            break
        after_bism = k > 0 and normalize(words[k - 1].group()) == "باسم"  # المتحدث باسم الكرملين
        if not (_is_modifier(norm) or after_bism or norm == "باسم"):
            break
    if title_at is None:
        return ""
    return left[words[title_at].start():].strip()
