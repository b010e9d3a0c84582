"""How each site family prints a date: month-name tables and formatters (written for this set, CC0)."""

from __future__ import annotations

from datetime import date

MONTHS = {
    "eg": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
           "ديسمبر"],
    "dz": ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر",
           "ديسمبر"],
    "ma": ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر",
           "دجنبر"],
    "lev": ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
            "تشرين الثاني", "كانون الأول"],
    "latin": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
HIJRI_MONTHS = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان",
                "رمضان", "شوال", "ذو القعدة", "ذو الحجة"]
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def indic(text: str) -> str:
    """Arabic-Indic digits, as Gulf and Egyptian sites often print them."""
    return text.translate(_INDIC)


def hijri(d: date) -> str:
    from hijridate import Gregorian

    h = Gregorian(d.year, d.month, d.day).to_hijri()
    return f"{h.day} {HIJRI_MONTHS[h.month - 1]} {h.year}هـ"


def fmt(d: date, style: str, clock: str = "10:15") -> str:
    """One visible date in the named style; ``clock`` is the time of day printed by styles that show one."""
    m = d.month - 1
    wd = WEEKDAYS[d.weekday()]
    styles = {
        "eg_long": f"{wd} {d.day} {MONTHS['eg'][m]} {d.year}",
        "eg_clock": f"{wd}، {d.day} {MONTHS['eg'][m]} {d.year} {clock} م",
        "eg_indic": indic(f"{wd}، {d.day:02d} {MONTHS['eg'][m]} {d.year} - {clock}"),
        "dz": f"{wd} {d.day:02d} {MONTHS['dz'][m]} {d.year}",
        "dz_short": f"{d.day:02d} {MONTHS['dz'][m]} {d.year} - {clock}",
        "ma": f"{wd} {d.day} {MONTHS['ma'][m]} {d.year} - {clock}",
        "lev": f"{wd} {d.day} {MONTHS['lev'][m]} {d.year}",
        "lev_both": f"{d.day} {MONTHS['lev'][m]} ({MONTHS['eg'][m]}) {d.year}",
        "latin": f"{MONTHS['latin'][m]} {d.day}, {d.year}",
        "slash": f"{d.day}/{d.month}/{d.year}",
        "slash_clock": f"{d.year}/{d.month:02d}/{d.day:02d} {clock}",
        "dmy": f"{d.day:02d}-{d.month:02d}-{d.year} {clock}",
        "iso": d.isoformat(),
        "hijri": f"{wd} {hijri(d)} - {d.day} {MONTHS['eg'][m]} {d.year}",
        "hijri_indic": indic(f"{hijri(d)} الموافق {d.day} {MONTHS['eg'][m]} {d.year}م"),
    }
    return styles[style]
