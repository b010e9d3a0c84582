"""Language detection: Arabic script share first (fast, robust on short text), py3langid otherwise."""

from __future__ import annotations

from rasid.text.normalize import arabic_ratio


def detect_language(text: str) -> str:
    """ISO 639-1 code; 'ar' when most letters are Arabic script, 'und' when there is no text."""
    sample = text[:5000]
    if not sample.strip():
        return "und"
    ratio = arabic_ratio(sample)
    if ratio >= 0.6:
        # Persian and Urdu share the script; their distinctive letters tell them apart.
        if sum(sample.count(c) for c in "پچژگ") > 5 and sample.count("ی") > 5:
            return "fa"
        return "ar"
    try:
        import py3langid

        lang, _score = py3langid.classify(sample)
        return str(lang)
    except ImportError:  # pragma: no cover - declared dependency
        return "und" if ratio < 0.2 else "ar"
