"""Mention-level clean-up after tagging: what the analyst would otherwise see as a wrong entity record.

Derived from the dev half of the entity-record audit (eval/ner/ENTITY_AUDIT.md, issue 13). Each rule
looks only at the mention, its neighbouring words and word lists, and applies to both taggers:

* a nisba plural («مصريون», «رياضيون», «الألمانيين») or a verb-shaped single word («وتأملان», «سيبحثان»)
  is not a person;
* a bare generic noun («مدينة», «جامعة», «ميدان», «ريف») is not a name on its own;
* a mention glued to the word before it by "-" or "." («كيم جونغ-نام», «إيه.بي.سي») or to the word after
  it by "." is a fragment of a longer name: dropped rather than shown cut (datelines «دمشق-سانا» stay);
* a country gentilic at the edge of a person or place span is not part of the name («الزامبي شونغو
  كاياسو» → «شونغو كاياسو», «كيرالا الهندية» → «كيرالا»);
* a generic place head before a place («ولاية نورث كارولاينا», «مدينة طولكرم») stays outside the name;
* a town followed by a *masculine* gentilic («نيس الفرنسي», «روما الإيطالي») or preceded by «فريق»/«نادي»
  is a club (ORG): town names are feminine in Arabic, so the adjective agrees with an implied «النادي».

Round two (a fresh dev sample of April 2018, ``eval/ner/entity_audit_dev2.jsonl``):

* a generic body — only generic nouns and nationality adjectives («السلطات الألمانية», «قوات الأمن
  الباكستانية», «قوات الحكومة السورية», «تنظيم») — is not a name (eval/ner/ANNOTATION.md rule 4);
* a person or place span that starts with an organisation head («جبهة البوليساريو», «جامعة ماريلاند») is an
  organisation;
* a person span that starts with a nisba plural («فرنسيون يدقون») or is a definite sound plural
  («الموقعون») is not a person;
* a name never runs over a subordinator («… المنظمة أن السوريين السبعة»): the span ends before it;
* a descriptive noun before a person's name («الشاب عبد الله …», «المعتزل تشابي») is not part of it, nor is
  a nationality adjective before it («(لل)إيطالي كارلو أنشيلوتي»);
* a person span with a word found only in team names («تشارلوت هورنتس», «سبورت بويز») is a team (ORG);
* «سان», «سانت», «لوس», «لاس», «المحيط», «البحر» right before a place or person span belong to a place name
  («سان برونو», «لوس أنجلوس», «المحيط الهادي»);
* a compass word glued to a preposition («بوسط الهند», «بشمال سوريا») is not part of the place name;
* an indefinite organisation head followed by a «لل» phrase («شركة للغواصات السياحية») describes, not names;
* a name glued to a number by a hyphen («تيانقونغ-1», «ستاتوس-6») is a model or craft, and a name right after
  a product word («تطبيق "ماسنجر"», «فيلم», «لعبة») is a product: neither is an entity (ANNOTATION.md rule 10);
* a place followed by the adjective of its big city keeps it outside («برزة الدمشقي» → «برزة»);
* a bare word tagged as a person that names an organisation of the same text («بوليساريو» beside «جبهة
  البوليساريو») is that organisation;
* a club followed by a masculine nationality adjective keeps the adjective outside («لوكوموتيف الأوزبكي» →
  «لوكوموتيف»; rule 3: «العين الإماراتي» → «العين»).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from rasid import resources
from rasid.extract.gazetteer import Gazetteer
from rasid.extract.ner.morph import clitic_variants, strip_article
from rasid.models import Mention
from rasid.text.normalize import normalize
from rasid.text.spans import WORD_RE

_WORD = re.compile(r"[\w\u0600-\u06FF]+")
_LISTS = resources.lexicon_groups("ner_postrules.tsv")  # the curated word lists, one group each


def _words(group: str) -> frozenset[str]:
    """The normalised words of one group of ``lexicons/ner_postrules.tsv``."""
    return frozenset(map(normalize, _LISTS[group]))


# Place heads a name may follow (rasid/data/lexicons/place_heads.txt) except those that are part of the
# usual name (جمهورية الإكوادور, دولة الإمارات, ريف دمشق).
PLACE_HEADS = frozenset(map(normalize, resources.lexicon("place_heads.txt")))  # «ولاية», «مدينة», «ريف» …
_HEADS = PLACE_HEADS - _words("heads_in_name")
GENERIC = _HEADS | _words("generic")  # never a name on its own: the heads plus institution and street words
BARE_HEADS = GENERIC | _words("heads_in_name")  # «ريف», «دولة» start a name («ريف دمشق») but are none alone
_MASC_PLACE_HEADS = _words("masc_place_heads")
_MASC_GEO = _words("masc_geo")  # «المحيط الهندي», «الخليج العربي»: a gentilic after them is no club
_TEAM_CUES = _words("team_cues")
_ORG_HEADS = _words("org_heads")
_BODY_NOUNS = _words("body_nouns")  # ANNOTATION.md rule 4: «الجيش السوري», «القوات الأمريكية» are not names
_BODY_HEADS = _BODY_NOUNS - _words("body_modifiers")
_STOPS = _words("stops")  # a name never runs over a subordinator or relative pronoun
_CURRENCIES = _words("currencies")  # «الين», «البيزو»: a currency is no name
_MATCH_CUES = _words("match_cues")  # «أمام فرنسا» in a match report: the national team
_SPORT = re.compile("|".join(sorted(map(re.escape, _words("sport_words")), key=len, reverse=True)))
_MEDIA_HEADS = _words("media_heads")
_PREPS = _words("preps")  # a preposition word opens no name («في مراكش»: the place after it)
_DESCRIPTORS = _words("descriptors")  # before a person's name without being part of it (not titles of office)
_TEAM_WORDS = frozenset(resources.lexicon("team_words.txt"))
_PLACE_PREFIXES = _words("place_prefixes")  # start a compound place name («سان برونو», «المحيط الهادي»)
_COMPASS = _words("compass")
_GENTILIC_STEMS = _words("gentilic_stems")  # الأمريكي، الإماراتي، البريطاني: their countries' names do not give them
_INDEF_HEADS = _words("indef_heads")
_PRODUCT_CUES = _words("product_cues")  # introduce a product, work or craft by name («تطبيق "ماسنجر"»)
_MODEL = re.compile(r"-\s?\d")
_VERB = re.compile(r"^(?:[وف])?(?:س)?[يت]\w{3,}(?:ان|ون)$")  # تأملان، سيبحثان، يبحثون (normalised)


@cache
def _countries() -> frozenset[str]:
    """Normalised one-word country names without the article (CLDR, rasid/data/countries_ar.tsv): the stems
    gentilics are made from. Words of multi-word names are left out: «جنوب», «ساحل», «إقليم» would make
    الجنوبي، الساحلي، الإقليمي look like nationalities."""
    out: set[str] = set()
    for _code, name in resources.rows(resources.path("countries_ar.tsv")):
        form = normalize(name.strip())
        if " " not in form:  # both forms: «ألمانيا» starts with the letters of the article
            out.update({form, strip_article(form)})
    return frozenset(out)


def gentilic(norm: str) -> str | None:
    """"m"/"f" when ``norm`` (normalised) is a country's nisba adjective (الفرنسي m, الهندية f), else None.

    The stem must name a country: الفرنسي → فرنس(ا), الهندية → (ال)هند, الزامبي → زامبي(ا), الأوزبكي → أوزبك(ستان)."""
    word = norm[2:] if norm.startswith("ال") else norm
    gender = "m"
    if word.endswith("يه"):
        word, gender = word[:-1], "f"
    if not word.endswith("ي") or len(word) < 4:
        return None
    stem = word[:-1]
    names = _countries()
    if stem in _GENTILIC_STEMS or any(form in names for form in (stem, stem + "ا", stem + "يا", stem + "ه", stem + "ستان",
                                                                  word, word + "ا")):
        return gender
    return None


def _nisba_plural(norm: str) -> bool:
    """«مصريون», «الألمانيين», «رياضيون»: a sound plural of a nisba adjective (never a person's name)."""
    word = norm[2:] if norm.startswith("ال") else norm
    return len(word) >= 5 and word.endswith(("يون", "يين"))


def _definite_plural(norm: str) -> bool:
    """«الموقعون», «المتظاهرون»: a definite sound masculine plural in the nominative (names do not take it)."""
    return norm.startswith("ال") and len(norm) >= 7 and norm.endswith("ون")


def _generic_body(norms: list[str]) -> bool:
    """Only generic body nouns and nationality adjectives, with at least one head noun
    («القوات السورية», «قوات الحكومة السورية», «السلطات الألمانية», a bare «تنظيم»)."""
    return any(n in _BODY_HEADS for n in norms) and all(n in _BODY_NOUNS or gentilic(n) for n in norms)


def _city_nisba(gaz: Gazetteer, norm: str) -> bool:
    """«الدمشقي», «الحلبية»: the adjective of a big city (a gazetteer place of the top tier), not a compass
    word («الشرقية») nor a country's gentilic (handled with the person/place rules)."""
    if not norm.startswith("ال") or not norm.endswith(("ي", "يه")) or gentilic(norm):
        return False
    stem = norm[2:-2] if norm.endswith("يه") else norm[2:-1]
    if len(stem) < 3 or stem in _COMPASS or strip_article(stem) in _COMPASS:
        return False
    return any("LOC3" in gaz.types(f) for f in (stem, stem + "ا", stem + "ه", "ال" + stem))


@cache
def _outlets() -> frozenset[str]:
    """Normalised Arabic names of the news outlets rasid knows (rasid/data/outlets.tsv): «عنب بلدي» is an outlet."""
    return frozenset(normalize(v) for row in resources.rows(resources.path("outlets.tsv")) for v in row[1].split("|")
                     if any("\u0600" <= ch <= "\u06ff" for ch in v))


def _curated_place(gaz: Gazetteer, norm: str) -> bool:
    """``norm`` (normalised) is a place of the curated alias list (a «LOC…c» type)."""
    return any(t.startswith("LOC") and t.endswith("c") for t in gaz.types(norm))


@cache
def _country_names() -> frozenset[str]:
    """Normalised country names (CLDR, rasid/data/countries_ar.tsv), multi-word ones too («جنوب السودان»)."""
    return frozenset(normalize(name.strip()) for _code, name in resources.rows(resources.path("countries_ar.tsv")))


@cache
def _capital_names() -> frozenset[str]:
    """Normalised Arabic names of national capitals (rasid/data/capitals.tsv ids, names from places.tsv.gz)."""
    ids = {gid for _cc, gid in resources.rows(resources.path("capitals.tsv"))}
    return frozenset(normalize(n) for gid, _name, _lat, _lon, _cc, _pop, _feat, names
                     in resources.rows(resources.path("places.tsv.gz")) if gid in ids for n in names.split("|") if n)


def _capital_or_country(gaz: Gazetteer, norm: str) -> bool:
    """A country, a national capital or a big city (GeoNames' top tier) that the gazetteer does not also list as
    an organisation, and not a listed outlet. Big cities that are clubs or companies («برشلونة», «نابولي»,
    «رينو»: ANERGazet ORG) read as bodies were the club or company as often as the place (August audit run)."""
    if norm in _outlets():
        return False
    if norm in _country_names() or norm in _capital_names():
        return True
    types = gaz.types(norm)
    return "LOC3" in types and "ORG" not in types


def _match_report(text: str, start: int, end: int) -> bool:
    """Match words («مباراة», «الدوري», «هدف» …) within 150 characters of the span: a sports report."""
    return bool(_SPORT.search(normalize(text[max(0, start - 150):end + 150])))


def _named_like_a_place(text: str, start: int, end: int) -> bool:
    """The span is quoted («"الرياض"») or follows a media or university head («صحيفة مكة», «جامعتي … وجدة»):
    a newspaper, channel or body named after a place, not the place."""
    quoted = text[start - 1:start] in "\"«“'" and start > 0
    return quoted or bool({f for f, _ in clitic_variants(_prev_word(text, start))} & _MEDIA_HEADS)


def is_place(gaz: Gazetteer, norm: str) -> bool:
    """``norm`` (normalised) is a place name the gazetteer knows."""
    return any(t.startswith("LOC") for t in gaz.types(norm))


def _coordinated_places(gaz: Gazetteer, norms: list[str]) -> int | None:
    """Index of the word that starts the second of two coordinated known places («حميميم وطرطوس»: 1), else None."""
    for k in range(1, len(norms)):
        if norms[k].startswith("و") and is_place(gaz, " ".join(norms[:k])) and is_place(gaz, " ".join([norms[k][1:], *norms[k + 1:]])):
            return k
    return None


def _known(gaz: Gazetteer, lexicon: frozenset[str], norm: str) -> bool:
    return any(f in lexicon or gaz.types(f) for f, _ in clitic_variants(norm))


def _words(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, start, end))


def _next_word(text: str, end: int) -> str:
    m = _WORD.match(text, end + 1) if text[end:end + 1] == " " else None
    return normalize(m.group()) if m else ""


def _outlet_continues(text: str, end: int, norms: list[str]) -> int | None:
    """End of a known outlet's name that the span's words start and the next one or two words finish
    («عنب» + «بلدي»), else None."""
    pos, words = end, list(norms)
    for _ in range(2):
        m = WORD_RE.match(text, pos + 1) if text[pos:pos + 1] == " " else None  # a word without its comma
        if m is None:
            return None
        words.append(normalize(m.group()))
        pos = m.end()
        if " ".join(words) in _outlets():
            return pos
    return None


def _prev_word(text: str, start: int) -> str:
    if start == 0 or text[start - 1] != " ":
        return ""
    words = _WORD.findall(text[max(0, start - 30):start - 1])
    return normalize(words[-1]) if words and text[start - 1 - len(words[-1]):start - 1] == words[-1] else ""


def _glued(text: str, start: int, end: int) -> bool:
    """The span continues a word through "-" or "." with no space («جونغ-نام», «إيه.بي.سي», «بنك إيه.إن.زد»).

    A hyphen *after* the span is a dateline («دمشق-سانا»), not a glued name, so only "." counts there."""
    before = start >= 2 and text[start - 1] in "-." and text[start - 2].isalpha()
    after = end + 1 < len(text) and text[end] == "." and text[end + 1].isalpha()
    return before or after


def _cue_before(text: str, start: int) -> str:
    """The normalised word before ``start``, skipping one opening quote («تطبيق "ماسنجر"»)."""
    k = start
    if k > 0 and text[k - 1] in "\"'«“":
        k -= 1
    return _prev_word(text, k) if k != start or text[k - 1:k] == " " else ""


def _reshape(m: Mention, text: str, start: int, end: int, typ: str | None = None) -> Mention:
    return Mention(m.doc_id, start, end, text[start:end], typ or m.type, m.entity_id, m.confidence)


def refine(text: str, mentions: Iterable[Mention], gaz: Gazetteer, lexicon: frozenset[str] = frozenset()) -> list[Mention]:
    """The mentions with the rules of the module docstring applied (dropped, trimmed or retyped)."""
    out: list[Mention] = []
    for m in mentions:
        words = _words(text, m.start, m.end)
        if not words:
            continue
        norms = [normalize(w.group()) for w in words]
        whole = " ".join(norms)
        curated = bool(gaz.canonical.get(whole))
        if not curated:
            if _glued(text, m.start, m.end):
                continue
            if m.type == "PER" and all(_nisba_plural(n) for n in norms):
                continue
            if m.type == "PER" and len(norms) == 1 and _VERB.match(norms[0]) and not _known(gaz, lexicon, norms[0]):
                continue
            if len(norms) == 1 and m.type in ("LOC", "ORG") and norms[0] in BARE_HEADS:
                continue
            if len(norms) == 1 and norms[0] in _ORG_HEADS and not norms[0].startswith("ال"):
                continue  # «تحالف» before «"أوبك بلس"», a bare «حزب»: an indefinite head alone names nothing
            if m.type == "PER" and (_nisba_plural(norms[0]) or (len(norms) == 1 and _definite_plural(norms[0]))):
                continue  # «فرنسيون يدقون», «الموقعون»
            if m.type == "ORG" and _generic_body(norms):
                continue  # «السلطات الألمانية», «قوات الأمن الباكستانية», «تنظيم»
            if m.type == "ORG" and len(norms) > 1 and norms[0] in _INDEF_HEADS and norms[1].startswith("لل"):
                continue  # «شركة للغواصات السياحية»
            if _MODEL.match(text, m.end) or {f for f, _ in clitic_variants(_cue_before(text, m.start))} & _PRODUCT_CUES:
                continue  # «تيانقونغ-1», «تطبيق "ماسنجر"»
        start, end = m.start, m.end
        cut = next((i for i, n in enumerate(norms) if n in _STOPS), None)
        if cut is not None and not curated:
            if cut == 0:
                continue
            end = words[cut - 1].end()  # «المحكمة الخاصة للجريمة المنظمة أن السوريين السبعة»
            words, norms = words[:cut], norms[:cut]
        retype = None
        if len(words) > 1 and norms[0] in _PREPS and not curated:
            start = words[1].start()  # «محكمة في مراكش» tagged «في مراكش» (ORG): the place after the preposition
            words, norms = words[1:], norms[1:]
            retype = "LOC" if m.type != "LOC" and is_place(gaz, " ".join(norms)) else None
        if m.type == "PER" and len(words) > 2 and norms[0] in _DESCRIPTORS and not curated:
            start = words[1].start()  # «الشاب عبد الله محمد جبريل»
            words, norms = words[1:], norms[1:]
        if m.type == "PER" and len(words) == 2 and gentilic(norms[0]) == "m" and not curated:
            start = words[1].start()  # «(لل)إيطالي كارلو»: the adjective of a dropped «المدرب»
            words, norms = words[1:], norms[1:]
        if m.type == "LOC" and len(words) > 1 and not curated and norms[0][:1] in "بول" and norms[0][1:] in _COMPASS \
                and not gaz.types(" ".join(norms)) and not gaz.types(" ".join([norms[0][1:], *norms[1:]])):
            start = words[1].start()  # «بوسط الهند»; not «بجنوب أفريقيا» (جنوب أفريقيا is a name)
            words, norms = words[1:], norms[1:]
        if m.type == "ORG" and len(words) > 1 and gentilic(norms[-1]) == "m" and not curated and norms[0] not in _ORG_HEADS and (
                any(n in _TEAM_WORDS for n in norms[:-1]) or any(t.startswith("LOC") for t in gaz.types(" ".join(norms[:-1])))):
            end = words[-2].end()  # «لوكوموتيف الأوزبكي», «نيس الفرنسي»: the club, not its country
            words, norms = words[:-1], norms[:-1]
        prefix = _prev_word(text, start)
        if m.type in ("PER", "LOC") and prefix in _PLACE_PREFIXES:
            start = start - 1 - len(text[:start - 1].split()[-1])  # «سان برونو», «لوس انجيلوس», «المحيط الهادي»
            words = _words(text, start, end)
            norms = [normalize(w.group()) for w in words]
        if m.type in ("PER", "LOC") and len(words) > 1 and not gaz.types(whole):
            # «كيرالا الهندية», not «المحيط الهندي»; nor «محمد المصري» (first name + a nisba surname)
            first_name = m.type == "PER" and len(norms) == 2 and "PERn" in gaz.types(norms[0])
            if gentilic(norms[-1]) and strip_article(norms[0]) not in _MASC_GEO and not first_name:
                end = words[-2].end()
                words, norms = words[:-1], norms[:-1]
            if m.type == "PER" and len(words) > 2 and norms[0].startswith("ال") and gentilic(norms[0]) == "m":
                start = words[1].start()  # «الزامبي شونغو كاياسو»: the adjective of a dropped «المدافع»
                words, norms = words[1:], norms[1:]
            if m.type == "LOC" and len(words) > 1 and _city_nisba(gaz, norms[-1]) and strip_article(norms[0]) not in _MASC_GEO:
                end = words[-2].end()  # «برزة الدمشقي»: the district, not the adjective of its city
                words, norms = words[:-1], norms[:-1]
            if m.type == "LOC" and len(words) > 1 and norms[0] in _HEADS:
                start = words[1].start()  # «ولاية نورث كارولاينا», «مدينة طولكرم»
                words, norms = words[1:], norms[1:]
        if not curated and {f for f, _ in clitic_variants(norms[0])} & _CURRENCIES and all(map(gentilic, norms[1:])):
            continue  # «الين الياباني» read as a person, «البيزو» as a body, «(منطقة) اليورو»: a currency
        typ = retype or m.type
        outlet_end = _outlet_continues(text, end, norms)
        if outlet_end is not None:  # «وفق رصد عنب بلدي» tagged «عنب» (PER): the outlet rasid knows, whole
            out.append(_reshape(m, text, start, outlet_end, "ORG"))
            continue
        split = _coordinated_places(gaz, norms) if m.type == "PER" and len(words) > 1 and not curated else None
        if split is not None:  # «قاعدتي حميميم وطرطوس» read as one person: two places
            first, second = words[split - 1].end(), words[split].start() + 1  # the «و» stays out
            out += [_reshape(m, text, start, first, "LOC"), _reshape(m, text, second, end, "LOC")]
            continue
        if m.type == "PER" and " ".join(norms) in _outlets():
            typ = "ORG"  # «وقال مراسل عنب بلدي»: an outlet, not a person
        elif m.type in ("PER", "LOC") and len(words) > 1 and norms[0] in _ORG_HEADS and not gaz.types(" ".join(norms)):
            typ = "ORG"  # «جبهة البوليساريو», «جامعة ماريلاند»
        elif m.type == "PER" and norms[0] in _PLACE_PREFIXES:
            typ = "LOC"  # «سان برونو»
        elif m.type == "PER" and any(n in _TEAM_WORDS for n in norms):
            typ = "ORG"  # «تشارلوت هورنتس», «سبورت بويز»
        elif m.type == "ORG" and _capital_or_country(gaz, " ".join(norms)) and not _named_like_a_place(text, start, end) \
                and not gentilic(_next_word(text, end)) and not _match_report(text, start, end):
            typ = "LOC"  # «طالبت أوتاوا», «توجه وفده لموسكو»: a country or capital standing for its government
        elif m.type == "LOC" and _prev_word(text, start) in _MATCH_CUES and " ".join(norms) in _country_names() \
                and _match_report(text, start, end):
            typ = "ORG"  # «خسر أمام فرنسا», «مباراة تونس» in a match report: the national team (ANNOTATION.md)
        elif m.type == "LOC" and len(words) <= 2 and strip_article(norms[0]) not in _MASC_GEO and not _curated_place(gaz, whole):
            after = _next_word(text, end)
            before = {f for f, _ in clitic_variants(_prev_word(text, start))}  # وإقليم، لفريق
            if (after.startswith("ال") and gentilic(after) == "m" and not before & _MASC_PLACE_HEADS) or before & _TEAM_CUES:
                typ = "ORG"  # «نيس الفرنسي», «فريق إشبيلية»: the club, not the town
        out.append(m if (start, end, typ) == (m.start, m.end, m.type) else _reshape(m, text, start, end, typ))
    # «جبهة البوليساريو» is an organisation in this text, so a bare «بوليساريو» tagged as a person is it too.
    bodies = {strip_article(normalize(w[1].group())) for o in out if o.type == "ORG"
              for w in [_words(text, o.start, o.end)] if len(w) == 2 and normalize(w[0].group()) in _ORG_HEADS}
    return [_reshape(o, text, o.start, o.end, "ORG") if o.type == "PER" and " " not in o.text.strip()
            and strip_article(normalize(o.text)) in bodies else o for o in out]


# A ministry named as a body: «أعلنت وزارة الداخلية», «المتحدث باسم وزارة الخارجية» (ANNOTATION.md, round thirteen).
# ANERcorp tags ministries O, so neither the CRF nor the network learns them well; the word «وزارة» before a
# definite noun names one by itself. A minister's title («وزير الخارجية») never holds the word, so it stays O (rule 5).
_MINISTRY = re.compile(r"(?<!\w)(?:[وف]?(?:لل|[بل])?)(وزار(?:ة|ه|تي|تا)) ")
_PORTFOLIOS = tuple(tuple(n.split()) for n in resources.lexicon("ministries.txt"))  # longest first
_NOT_PORTFOLIO = frozenset(normalize(w) for w in (
    "اليوم", "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الذي", "التي", "الان"))
MINISTRY_CONFIDENCE = 0.95


def country_adjective_after(text: str, end: int) -> re.Match[str] | None:
    """The word right after ``end`` (one space between) when it is a country's adjective («الروسية» after
    «وزارة الدفاع»), else None. Words are ``WORD_RE``'s: a following comma is not part of the adjective."""
    nxt = WORD_RE.match(text, end + 1) if text[end:end + 1] == " " else None
    return nxt if nxt and gentilic(normalize(nxt.group())) else None


def _portfolio_end(text: str, pos: int) -> int | None:
    """End of the portfolio name that starts at ``pos`` (after «وزارة »): a listed multi-word name, else one
    definite noun; None when the next word is none («الوزارة على موقعها»). Words are ``WORD_RE``'s, so a
    comma after the name («وزارة الصحة، في بيان») stays out of it."""
    words: list[re.Match[str]] = []
    at = pos
    while len(words) < 6:
        w = WORD_RE.match(text, at)
        if w is None:
            break
        words.append(w)
        if text[w.end():w.end() + 1] != " ":
            break
        at = w.end() + 1
    norms = [normalize(w.group()) for w in words]
    for name in _PORTFOLIOS:
        if tuple(norms[:len(name)]) == name:
            return words[len(name) - 1].end()
    # no gentilic test here: «المالية» reads as Mali's adjective, and no ministry is named by a country's
    if norms and norms[0].startswith("ال") and len(norms[0]) >= 4 and norms[0] not in _NOT_PORTFOLIO \
            and norms[0] not in _STOPS:
        return words[0].end()
    return None


def add_ministries(doc_id: str, text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` plus each ministry named as a body, as ORG; an ORG span the tagger found inside or
    across one («الخارجية الأمريكية» of «وزارة الخارجية الأمريكية») gives way to it.

    The name is «وزارة» and its portfolio: a listed multi-word one (lexicons/ministries.txt: «وزارة الشؤون
    الإسلامية والأوقاف») or one definite noun, so what follows stays out: a country's adjective (rule 3,
    «وزارة الخارجية الروسية»), a title («وزارة العدل الأستاذ …»), an adjective of a building («… الشاهق»).
    «وزارتي التعليم والخدمة المدنية» keeps only its first ministry."""
    if "وزار" not in text:
        return mentions
    found: list[tuple[int, int]] = []
    for m in _MINISTRY.finditer(text):
        end = _portfolio_end(text, m.end())
        if end is not None:
            found.append((m.start(1), end))
    if not found:
        return mentions
    # the country adjective after a ministry is no place, even when it reads as one («وزارة الداخلية السعودية»)
    adjectives = {(adj.start(), adj.end()) for _a, b in found if (adj := country_adjective_after(text, b))}
    kept = [o for o in mentions if (o.type != "ORG" or not any(o.start < b and a < o.end for a, b in found))
            and not (o.type == "LOC" and (o.start, o.end) in adjectives)]
    added = [Mention(doc_id, a, b, text[a:b], "ORG", None, MINISTRY_CONFIDENCE) for a, b in found
             if not any(o.start < b and a < o.end for o in kept)]
    return sorted(kept + added, key=lambda o: o.start) if added or len(kept) != len(mentions) else mentions
