from rasid.config import DedupConfig
from rasid.dedup.detector import Deduplicator, content_hash

BASE = ("أعلنت وزارة الدفاع الروسية انسحاب قواتها من مطار القامشلي في محافظة الحسكة شمال شرقي سوريا ونقلها إلى "
        "قاعدة حميميم في ريف اللاذقية، وقالت الوزارة في بيان إن القافلة ضمت أربعين آلية عسكرية وإن عملية النقل "
        "جرت بالتنسيق مع السلطات السورية ومن دون أي حوادث تذكر على الطريق الدولي.")
EDITED = BASE.replace("أربعين", "ستين").replace("ومن دون أي حوادث تذكر", "دون حوادث") + " وأكد مصدر محلي ذلك."
OTHER = ("قال المتحدث باسم الكرملين ديمتري بيسكوف إن زيارة الرئيس السوري أحمد الشرع إلى موسكو زيارة عمل، "
         "وإن المحادثات مع الرئيس فلاديمير بوتين ستتناول مستقبل القواعد الروسية في سوريا والتعاون الاقتصادي.")


def test_exact_duplicate_ignores_diacritics_and_spacing():
    assert content_hash(BASE) == content_hash(BASE.replace("قواتها", "قوَّاتها").replace(" ", "  "))
    dd = Deduplicator()
    dd.add("a", BASE)
    m = dd.check("b", BASE.replace("،", " ،"))
    assert m is not None and m.original == "a" and m.exact


def test_near_duplicate_linked_and_different_story_not():
    dd = Deduplicator(DedupConfig(threshold=0.5))
    dd.add("orig", BASE)
    m = dd.check("copy", EDITED)
    assert m is not None and m.original == "orig" and not m.exact and 0.5 <= m.score < 1.0
    assert dd.check("other", OTHER) is None


def test_restored_signatures_match():
    dd = Deduplicator()
    dd.add("orig", BASE)
    sig = dd.signature("orig")
    dd2 = Deduplicator()
    dd2.add_signature("orig", content_hash(BASE), sig)
    m = dd2.check("copy", EDITED)
    assert m is not None and m.original == "orig"


def test_minhash_equals_datasketch_over_the_shingles():
    """The inlined shingle hashing and shared permutations give datasketch's own signature."""
    from datasketch import MinHash

    from rasid.config import DedupConfig
    from rasid.dedup.detector import SCHEME, minhash, shingles

    NUM_PERM = DedupConfig().num_perm

    text = "أعلنت وزارة الصحة اليوم تسجيل إصابات جديدة بالفيروس في العاصمة، وقالت إن الوضع تحت السيطرة."
    ref = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    ref.update_batch(list(shingles(text)))
    assert len(shingles(text)) == len(text.split()) - 2
    assert (minhash(text).hashvalues == ref.hashvalues).all()
    assert minhash(text).jaccard(minhash(text.replace("اليوم", "أمس"))) < 1.0


def test_minhash_values_match_datasketch_on_real_text_and_edge_cases():
    """``minhash_values`` (numpy only, what the workers compute) is datasketch's affine32 signature: the same
    permutations for seed 1, the same values for a page, a text shorter than a shingle, and no words at all."""
    from datasketch import MinHash

    from rasid.dedup.detector import SCHEME, _permutations, minhash_values, shingles
    from rasid.text.normalize import words

    for num_perm in (16, 128, 131):
        ref = MinHash(num_perm=num_perm, seed=1, scheme=SCHEME)
        assert (_permutations(num_perm) == ref.permutations).all()
        assert _permutations(num_perm).dtype == ref.permutations.dtype
    page = ("قال مسؤولون إن الحكومة اللبنانية عقدت اجتماعا طارئا مساء الثلاثاء لبحث تداعيات الأزمة المالية، "
            "وأعلنت وزارة المالية أنها ستقدم خطة إصلاح إلى البرلمان خلال أسبوعين. ") * 3
    for text, k in ((page, 3), (page, 5), ("خبر عاجل", 3), ("", 3), ("؟ ، !", 3)):
        ref = MinHash(num_perm=128, seed=1, scheme=SCHEME)
        ref.update_batch(list(shingles(text, k)))
        got = minhash_values(words(text), 128, k)
        assert got.dtype == ref.hashvalues.dtype and (got == ref.hashvalues).all(), (text[:20], k)

