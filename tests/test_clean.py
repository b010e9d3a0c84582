from rasid.clean.boilerplate import LineStats, clean_text, rule_for

PAGE = """الرئيسية | سياسة | اقتصاد | رياضة
وصل الرئيس السوري أحمد الشرع إلى موسكو في زيارة يلتقي خلالها الرئيس الروسي فلاديمير بوتين.
وأظهرت الصورة التي نشرها الكرملين الرئيسين يتصافحان في قاعة سانت جورج قبل بدء المحادثات.
الصورة: رويترز
شاهد ايضاً
زلزال بقوة 5.6 درجة يضرب ملاطية التركية
الحوثيون يعلنون استهداف سفينة في البحر الأحمر؟
وقال المتحدث باسم الكرملين ديمتري بيسكوف إن المحادثات ستتناول التعاون العسكري والاقتصادي.
اترك تعليقاً
لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *
جميع الحقوق محفوظة © 2026"""


def test_rules_remove_furniture_and_keep_body():
    res = clean_text(PAGE)
    kept = res.text.split("\n")
    assert kept == [
        "وصل الرئيس السوري أحمد الشرع إلى موسكو في زيارة يلتقي خلالها الرئيس الروسي فلاديمير بوتين.",
        "وأظهرت الصورة التي نشرها الكرملين الرئيسين يتصافحان في قاعة سانت جورج قبل بدء المحادثات.",
        "وقال المتحدث باسم الكرملين ديمتري بيسكوف إن المحادثات ستتناول التعاون العسكري والاقتصادي.",
    ]
    reasons = {why for _i, why, _line in res.removed}
    assert {"nav", "photo-credit", "see-also", "comments", "copyright"} <= reasons
    assert len(res.removed) == 8  # nothing lost: every dropped line is recorded


def test_long_body_sentence_with_keyword_is_kept():
    line = ("اقرأ أيضاً ما كتبه المحلل السياسي في مقاله الأخير عن العلاقات السورية الروسية، إذ يرى أن موسكو تسعى "
            "إلى الإبقاء على قاعدتي حميميم وطرطوس مقابل دعم اقتصادي واسع لدمشق خلال السنوات المقبلة.")
    assert rule_for(line) is None


def test_lines_repeated_in_an_outlet_are_learned():
    stats = LineStats(min_docs=3)
    header = "الوكالة العربية السورية للأنباء - سانا"
    for i in range(3):
        stats.observe("sana", f"{header}\nخبر مختلف رقم {i} عن زيارة الرئيس إلى موسكو.")
    res = clean_text(f"{header}\nوصل الرئيس إلى موسكو صباح اليوم.", "sana", stats)
    assert res.text == "وصل الرئيس إلى موسكو صباح اليوم."
    assert res.removed[0][1] == "repeated-in-outlet"
    # another outlet has not learned that line
    assert header in clean_text(f"{header}\nنص.", "rt", stats).text


def _repo_lines() -> list[str]:
    """Every line of the demo corpus and of the raw-page evaluation set (pages as read), stripped and not."""
    from pathlib import Path

    from rasid.ingest.readers import read_inputs

    root = Path(__file__).resolve().parents[1]
    lines: list[str] = []
    for art in read_inputs([root / "demo" / "corpus", root / "eval" / "raw" / "docs"]):
        if hasattr(art, "text"):
            for ln in art.text.replace("\r", "\n").split("\n"):
                lines += [ln, ln.strip()]
    return lines


def test_credit_shortcut_decides_as_the_credit_pattern() -> None:
    """``furniture._credit`` skips the caption-credit search only where it cannot match: on every line of the
    repository's pages and on edge cases (IGNORECASE's long s, a credit before trailing spaces or a final
    newline, «صورة:» inside a line) it says what ``_CREDIT_RE.search`` says."""
    from rasid.clean.furniture import _CREDIT_RE, _credit

    edge = ["(AFP)", "الرئيس في دمشق (رويترز)  ", "صوره: أحمد علي", "قال المتحدث إن تصوير: الفيلم بدأ.",
            "وزير الخارجية في موسكو - AFP", "وزير الخارجية في موسكو - afp )", "وزير الخارجية في موسكو ANADOLU\n",
            "خبر من reuterſ", "(Photo: John Smith / Reuters)", "(Getty Images)\t", "نص عادي ينتهي بنقطة.", "", " ",
            "(أ ف ب)", "صورة ارشيفية", "قال (photo) ثم تابع"]
    lines = _repo_lines() + edge
    assert len(lines) > 2000
    assert [_credit(s) for s in lines] == [bool(_CREDIT_RE.search(s)) for s in lines]
    assert sum(map(_credit, edge)) >= 9  # the edge cases include real credits


def test_boilerplate_rules_split_by_anchor_decide_as_the_joined_rules() -> None:
    """Each rule's anchored patterns are matched at the start and the others searched; the first rule that
    fires is the one the joined alternation (``_RULES``) names, for every line key of the repository's
    pages and for each rule's own patterns made into lines."""
    from rasid import resources
    from rasid.clean.boilerplate import _RULES, _anchored, line_key, rule_for_key

    assert _anchored("^(شاهد|اقرا) ايضا") and _anchored(r"^\d+ تعليق$")
    assert not _anchored("^a|b") and not _anchored("(?m)^a") and not _anchored("a^") and not _anchored("(^a)")

    def joined(key: str) -> str | None:
        if not key or len(key) > 140:
            return None
        return next((name for name, pattern in _RULES if pattern.search(key)), None)

    probes = [line_key(ln) for ln in _repo_lines()]
    for patterns in resources.lexicon_groups("boilerplate.tsv").values():  # lines made from the patterns
        for p in patterns:
            plain = "".join(ch for ch in p if ch not in "^$()?*+[]{}\\|")
            probes += [plain, f"نص {plain}", f"{plain} نص", f"x{plain}"]
    fired = [rule_for_key.__wrapped__(k) for k in probes]
    assert fired == [joined(k) for k in probes]
    assert len({f for f in fired if f}) >= 10  # most rules fire on some probe


def test_known_furniture_similarity_by_length_buckets_equals_the_full_comparison() -> None:
    """``_known_sim`` compares a key only with known furniture lines of about its length and of a trigram
    count that could reach 0.5; the best Jaccard is the one a comparison with every known line finds."""
    from rasid.clean.boilerplate import line_key
    from rasid.clean.furniture import _grams, _known, _known_sim

    def brute(key: str) -> float:
        if key in _known()[0]:
            return 1.0
        if len(key) > 60 or len(key) < 2:
            return 0.0
        g = _grams(key)
        best = max((len(g & _grams(k)) / max(1, len(g | _grams(k))) for k in _known()[0]
                    if abs(len(k) - len(key)) <= 12), default=0.0)
        return best if best >= 0.5 else 0.0

    known = sorted(_known()[0])
    probes = [line_key(ln) for ln in _repo_lines()[:4000]] + [k[:-2] for k in known] + [k + " نت" for k in known]
    got = [_known_sim(k) for k in probes]
    assert got == [brute(k) for k in probes]
    assert sum(0.5 <= x < 1.0 for x in got) >= 20  # near matches, not only exact ones
