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
