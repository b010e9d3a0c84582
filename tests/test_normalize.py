from rasid.text.normalize import normalize, normalize_with_offsets, strip_proclitics, to_ascii_digits
from rasid.text.spans import sentences, tokens


def test_spelling_variants_share_a_key():
    assert normalize("ديمتري") != normalize("دميتري")  # different letters stay different
    assert normalize("إسرائيل") == normalize("اسرائيل")
    assert normalize("الرئيسُ الرّوسيّ") == normalize("الرئيس الروسي")
    assert normalize("مدرســـة") == normalize("مدرسة") == "مدرسه"
    assert normalize("على") == normalize("علي")
    assert normalize("٢٠٢٦") == "2026"


def test_offsets_map_back_to_original_text():
    text = "وصلَ الرئيسُ إلى موسكـــو في ٢٨ يناير"
    norm, offsets = normalize_with_offsets(text)
    i = norm.index("موسكو")
    start, end = offsets[i], offsets[i + len("موسكو") - 1] + 1
    assert text[start:end] == "موسكـــو"
    j = norm.index("28")
    assert text[offsets[j]:offsets[j + 1] + 1] == "٢٨"


def test_digits_keep_length():
    s = "عام ١٤٤٧ هـ"
    assert len(to_ascii_digits(s)) == len(s) and "1447" in to_ascii_digits(s)


def test_proclitics():
    assert strip_proclitics(normalize("وموسكو")) == "موسكو"
    assert strip_proclitics(normalize("بالقامشلي")) == "قامشلي"
    assert strip_proclitics("ولد") == "ولد"  # too short to strip


def test_sentences_and_tokens_have_offsets():
    text = "قال بيسكوف إن الزيارة زيارة عمل. وأضاف: لا تعليق؟\nسطر ثالث"
    sents = sentences(text)
    assert [s.text for s in sents] == ["قال بيسكوف إن الزيارة زيارة عمل.", "وأضاف: لا تعليق؟", "سطر ثالث"]
    assert all(text[s.start:s.end] == s.text for s in sents)
    toks = tokens(text)
    assert toks[1].text == "بيسكوف" and text[toks[1].start:toks[1].end] == "بيسكوف"


def test_long_text_normalises_like_its_pieces():
    """Long texts take a whole-text path (deletions, then one replace per character): same result."""
    piece = "قالَ الرئيسُ إنّ مدرســـة «الأمل» في ٢٠٢٦ ستُبنى على أرضٍ مؤجّرة، وأكّد ذلك ‌مسؤولٌ Ahmed.\n"
    text = piece * 6
    assert len(piece) < 200 < len(text)
    assert normalize(text) == normalize(piece) * 6
    assert "مدرسه" in normalize(text) and "2026" in normalize(text) and "ahmed" in normalize(text)
