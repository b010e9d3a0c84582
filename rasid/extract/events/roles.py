"""Clause structure around an event trigger: candidate actor / target mentions and what the grammar says of each.

The learned role model (``learned.py``) scored every word of a sentence as actor / target of a trigger from
its own form, its distance and the word before it, with no syntax; on unseen news it picked the right actor
in half the events and the right target in a quarter. News Arabic says who did what in a few regular ways,
and this module writes them down so the model can use them (as features) and fall back on them (as a rule):

- VSO: «قصفت طائرات إسرائيلية مواقع في غزة» — the first bare noun phrase after the verb is its subject (the
  actor), the next bare one its object (the target); SVO (after «أن», or a topic before the verb): the noun
  phrase before the verb is the subject.
- A verbal noun takes its genitive («اعتقال الصحفي»); a passive or verbal noun names its agent after
  «من قبل» / «على يد»; the other party follows «على», «ضد», «إلى», «مع», «ل», «ب».
- The speaker of a reporting verb («أعلن الجيش أن مسلحين هاجموا») is not the actor of the reported act; a
  dateline («دمشق - سانا:») and a spokesman phrase («المتحدث باسم …») name no actor; a noun inside a
  relative clause («…، الذي …») or another clause is not a role of the main trigger.

Everything works on ``learned.Word`` lists (normalised words with sentence offsets and NER types) plus the
sentence text, which supplies the punctuation the word list leaves out. The cue words live in
``rasid/data/lexicons/event_role_cues.tsv`` (and ``speech_verbs.txt`` for reporting verbs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rasid import resources
from rasid.extract.events.lexicon import strip_cached as _strip
from rasid.extract.ner.titles import TITLE_WORDS

if TYPE_CHECKING:  # learned.py imports this module; the type is only needed for hints
    from rasid.extract.events.learned import Word

_CUES = resources.lexicon_groups("event_role_cues.tsv")
ACTOR_HEADS = frozenset(_CUES["actor_head"])
_TARGET_PREPS = frozenset(_CUES["target_prep"])
_AGENT_PAIRS = frozenset(tuple(x.split()) for x in _CUES["agent_pair"])
_RELATIVES = frozenset(_CUES["relative"])
_OPENERS = frozenset(_CUES["opener"])
_ADVERBS = frozenset(_CUES["adverb"])
_SPOKESMAN = frozenset(_CUES["spokesman"])
_REPORT = frozenset(resources.lexicon("speech_verbs.txt")) | frozenset(_CUES["report_verb"])
# particles that open a clause but are not its verb; after the negations / «قد» the verb follows
_PARTICLES = frozenset({"في", "مع", "من", "عن", "لم", "لن", "لا", "ما", "قد", "كما", "ان", "بل", "ثم"})
_BEFORE_VERB = frozenset({"لم", "لن", "لا", "قد", "لقد", "سوف", "ما"})
_LIGHT_VERBS = frozenset(resources.lexicon_groups("event_roles.tsv")["support_verb"])
# prepositions that introduce the other party of an act («هجوم على», «عقوبات ضد», «زيارة إلى», «اتصالا بـ»)
_OTHER_PARTY = frozenset({"علي", "ضد", "الي", "مع", "بحق", "تجاه", "ل", "ب"})
_PASSIVE_AUX = frozenset({"تم", "يتم", "جري", "جرت", "يجري", "تجري"})
_BREAK = set(":;؛«»\"“”()[]")  # punctuation that closes a clause (a quote, a colon, a bracket)
_DASH = set("-–—")
_PHRASE_BREAK = frozenset({"،", ","} | _BREAK | _DASH)  # a gap holding one of these ends a noun phrase
_NISBA = ("ي", "يه", "يون", "يين", "يات")
_DEF_PREP = ("بال", "لل", "وبال", "ولل", "فبال", "فلل")  # a preposition glued to a definite noun: sure
_MAYBE_PREP = ("ب", "ل", "وب", "ول")  # a glued ب/ل before an indefinite word: often part of the word
TYPE_GROUPS = {"ASSAULT": "force", "COERCE": "force", "MOBILIZE": "force", "PROTEST": "force", "SANCTION": "force",
           "ACCUSE": "say", "REJECT": "say", "REQUEST": "say", "THREATEN": "say", "SUPPORT": "say",
           "AGREE": "say", "CONCEDE": "say"}


def _bare(w: str) -> str:
    """The word without a leading conjunction و/ف («وقالت» -> «قالت», «وفي» -> «في»)."""
    if w[:1] in "وف" and (len(w) > 3 or w[1:] in _PARTICLES):
        return w[1:]
    return w


def _definite(w: str) -> bool:
    b = _bare(w)
    return b.startswith(("ال", "بال", "لل", "كال"))


def _nisba(w: str) -> bool:
    return w.endswith(_NISBA) and len(w) >= 4


@dataclass
class Chunk:
    """A noun phrase: words ``[start, end)`` of the sentence, the preposition before it, its clause."""

    start: int
    end: int
    prep: str  # "" bare, a preposition («علي»، «ل»، «ب»), "agent" for «من قبل»/«على يد»
    clause: int


class SentenceRoles:
    """Clauses, noun-phrase chunks, dateline and speakers of one sentence (computed once, read per pair)."""

    def __init__(self, text: str, words: list[Word], is_verb: Callable[[str], bool] | None = None,
                 is_say: Callable[[str], bool] | None = None) -> None:
        """``is_verb``: which normalised words are verbs (the coder's lexicons know); a verb heads no phrase.
        ``is_say``: which words are acts of saying (condemn, deny, welcome, accuse…: ``governed``)."""
        self.words = words
        self.is_say = is_say
        n = len(words)
        self.gap = [text[words[k - 1].end:words[k].start] if k else text[:words[0].start] for k in range(n)]
        self.bare = [_bare(w.norm) for w in words]
        self.verb = [bool(is_verb and not w.ner and is_verb(w.norm)) or b in _LIGHT_VERBS
                     for w, b in zip(words, self.bare, strict=True)]
        self.stem = [_strip(w.norm) for w in words]
        self.head = [s in ACTOR_HEADS for s in self.stem]  # an actor noun («السلطات», «الشرطة»: ``actor_head``)
        self.clause, self.in_rel = self._clauses()
        self.dateline = self._dateline()
        self._clause_initial_verbs()
        self.chunks, self.chunk_of = self._chunks()
        self.subject = self._subjects()
        self._first_subject = min(self.subject, default=None)  # the first clause with a subject (``_word_key``)
        self._slots: dict[tuple[int, bool], dict[int, str]] = {}
        self._wkey: dict[int, tuple] = {}
        self._wkeys: list[tuple] | None = None  # ``_word_key`` of every word, once a trigger asks (``feat_keys``)
        self._governed: dict[int, set[int]] = {}
        self._said_memo: dict[int, bool] = {}

    # --- structure -------------------------------------------------------------------------------------
    def _clauses(self) -> tuple[list[int], list[bool]]:
        """Clause number of each word and whether it sits in a relative clause.

        A clause opens at a colon or full stop, at a complementiser or subordinator («أن», «حيث»), at a
        relative pronoun, at «، و/ف + word» (a coordinated clause) and at a quote that follows a reporting
        verb (reported speech). A relative clause or a bracket that a comma / closing bracket ends gives the
        words after it back to the clause it interrupted («استهدف الجيش، الذي …، مواقع»); a quoted name
        («مواقع «داعش»») stays in its clause.
        """
        clause, rel = [], []
        c, in_rel, fresh = 0, False, 0
        stack: list[tuple[int, bool]] = []  # clauses interrupted by a relative clause or a bracket
        reported = False  # a reporting verb opened the current clause

        def new(relative: bool = False) -> None:  # defined once, not per word (a closure per word costs)
            nonlocal c, in_rel, fresh, reported
            fresh += 1
            c, in_rel, reported = fresh, relative, False

        for k, w in enumerate(self.words):
            gap = self.gap[k]
            comma = "،" in gap or "," in gap
            b = self.bare[k]
            if k and ")" in gap and stack:
                c, in_rel = stack.pop()
            if k and ("(" in gap or "[" in gap):
                stack.append((c, in_rel))
                new()
            elif k and (":" in gap or ";" in gap or "؛" in gap or "." in gap):
                stack.clear()
                new()
            elif k and reported and any(q in gap for q in "«\"“"):
                new()
            elif k and (b in _RELATIVES or w.norm in _RELATIVES):
                stack.append((c, in_rel))
                new(relative=True)
            elif k and (b in _OPENERS or w.norm in _OPENERS):
                new()
            elif k and comma and in_rel and stack:
                c, in_rel = stack.pop()
                if w.norm[:1] in "وف" and len(w.norm) > 3 and not w.ner:
                    new()
            elif k and comma and w.norm[:1] in "وف" and len(w.norm) > 3 and not w.ner:
                new()
            if b in _REPORT:
                reported = True
            clause.append(c)
            rel.append(in_rel)
        return clause, rel

    def _clause_initial_verbs(self) -> None:
        """News Arabic clauses open with their verb (VSO): an indefinite, non-name word that opens a clause
        («وكان», «تبادلت», «واصل») is taken as a verb even when no lexicon knows it."""
        for k, w in enumerate(self.words):
            opens = k == self.dateline or (k > self.dateline and self.clause[k] != self.clause[k - 1])
            opens = opens or (k > 0 and self.bare[k - 1] in _BEFORE_VERB)
            b = self.bare[k]
            if (opens and b not in _PARTICLES and not w.ner and not _definite(w.norm) and len(b) >= 3 and not b.isdigit()
                    and not w.norm.endswith(("ات", "ه")) and b not in _TARGET_PREPS and b not in _OPENERS
                    and b not in _RELATIVES and b not in _ADVERBS and b != "باسم"):
                self.verb[k] = True

    def _subjects(self) -> dict[int, int]:
        """Clause -> head word of its subject: the first bare phrase after the clause's first verb (VSO),
        else the bare phrase before that verb (SVO, «أن باريس سلمت»)."""
        out: dict[int, int] = {}
        first_verb: dict[int, int] = {}
        for k, v in enumerate(self.verb):
            if (v or self.bare[k] in _REPORT) and self.clause[k] not in first_verb:
                first_verb[self.clause[k]] = k
        for c, v in first_verb.items():
            after = [ch for ch in self.chunks if ch.clause == c and ch.start > v and not ch.prep]
            before = [ch for ch in self.chunks if ch.clause == c and ch.end <= v and not ch.prep]
            starts = self.clause.index(c)  # the clause's first word (``c`` is the clause of word ``v``)
            if starts < len(self.words) and (self.bare[starts] in _OPENERS or self.bare[starts] in _RELATIVES):
                starts += 1
            if (before and before[0].start == starts and before[-1].start >= self.dateline
                    and self.words[v].norm[:1] not in "وف"):
                out[c] = before[-1].start  # SVO: the clause opens with its subject («أن باريس سلمت»)
            elif after:
                out[c] = after[0].start
        return out

    def _dateline(self) -> int:
        """How many leading words are a dateline («دمشق - سانا:», «بيروت (رويترز) -», «(CNN)—»)."""
        for k in range(1, min(5, len(self.words))):
            if any(ch in _DASH for ch in self.gap[k]):
                end = k
                for m in range(k + 1, min(k + 3, len(self.words))):
                    if ":" in self.gap[m]:
                        end = m
                return end
        return 0

    def _chunks(self) -> tuple[list[Chunk], list[int | None]]:
        """Noun-phrase chunks: a NER mention, or a noun with its genitive and its nisba adjectives."""
        words, n = self.words, len(self.words)
        chunks: list[Chunk] = []
        chunk_of: list[int | None] = [None] * n
        prep = ""
        k = 0
        while k < n:
            w, b = words[k], self.bare[k]
            if k + 1 < n and (b, self.bare[k + 1]) in _AGENT_PAIRS and self.clause[k + 1] == self.clause[k]:
                prep, k = "agent", k + 2
                continue
            if (b in _TARGET_PREPS or b == "باسم") and not w.ner:
                prep, k = b, k + 1
                continue
            if (len(w.norm) < 3 or w.norm.isdigit() or b in _ADVERBS or b in _OPENERS or b in _RELATIVES
                    or b in _REPORT or self.verb[k] or (w.ner and not w.ner_first)):
                prep = "" if b not in _ADVERBS else prep
                k += 1
                continue
            own = prep
            if w.norm.startswith(_DEF_PREP):
                own = w.norm.lstrip("وف")[:1]
            elif not own and w.norm.startswith(_MAYBE_PREP) and not _definite(w.norm):
                own = w.norm.lstrip("وف")[:1] + "?"
            end = self._np_end(k)
            chunks.append(Chunk(k, end, own, self.clause[k]))
            for m in range(k, end):
                chunk_of[m] = len(chunks) - 1
            prep = ""
            k = end
        return chunks, chunk_of

    def _np_end(self, k: int) -> int:
        """End (exclusive) of the noun phrase headed by word ``k``."""
        words, n = self.words, len(self.words)
        w = words[k]
        end = k + 1
        if w.ner:
            while end < n and words[end].ner == w.ner and not words[end].ner_first:
                end += 1
        genitive = not w.ner and not _definite(w.norm)
        titled = not w.ner and self.bare[k] in TITLE_WORDS  # «الرئيس الروسي فلاديمير بوتين»: title + name
        while end < n and end - k < 4 and self.clause[end] == self.clause[k]:
            x = words[end]
            if not _PHRASE_BREAK.isdisjoint(self.gap[end]):  # a comma, a clause break or a dash before it
                break
            if titled and x.ner == "PER" and x.ner_first:  # the name in apposition ends the title's phrase
                end += 1
                while end < n and words[end].ner == "PER" and not words[end].ner_first:
                    end += 1
                break
            bx = self.bare[end]
            if (x.norm != bx or bx in _TARGET_PREPS or bx in _ADVERBS or bx in _OPENERS or bx in _RELATIVES
                    or self.verb[end] or bx == "باسم"):
                break  # «و…» starts a conjunct; a preposition, an adverb or an opener ends the phrase
            if _nisba(x.norm) and _definite(x.norm) == _definite(words[end - 1].norm) and not x.ner_first:
                end += 1  # agreeing adjective: «الشرطة الفرنسية», «طائرات إسرائيلية»
                continue
            if genitive and (_definite(x.norm) or x.ner_first) and not x.norm.startswith(_DEF_PREP):
                genitive = False  # construct state: «قوات الأمن», «وزارة الخارجية الأمريكية»
                end += 1
                if x.ner:
                    while end < n and words[end].ner == x.ner and not words[end].ner_first:
                        end += 1
                continue
            break
        return end

    # --- per trigger -----------------------------------------------------------------------------------
    def slots(self, i: int, verbal: bool) -> dict[int, str]:
        """Head word of a chunk -> its grammatical slot for the trigger at word ``i``.

        ``post1`` / ``post2``: first / second bare phrase after a verb (VSO subject, object); ``pre1``: the
        closest bare phrase before the trigger in its clause (SVO subject, or the subject of a light verb
        «شنت طائرات غارات»); ``gen``: the genitive of a verbal-noun trigger; ``agent``: after «من قبل».
        """
        key = (i, verbal)
        hit = self._slots.get(key)
        if hit is not None:
            return hit
        out: dict[int, str] = {}
        c = self.clause[i]
        own = self.chunk_of[i]
        if own is not None and not verbal:
            ch = self.chunks[own]
            for m in range(i + 1, ch.end):
                if self.words[m].ner_first or not self.words[m].ner:
                    out.setdefault(m, "gen")
                    break
        after = [ch for k, ch in enumerate(self.chunks) if ch.start > i and ch.clause == c and k != own]
        bare_after = [ch for ch in after if not ch.prep]
        if verbal:
            for name, ch in zip(("post1", "post2"), bare_after, strict=False):
                out.setdefault(ch.start, name)
        elif bare_after and bare_after[0].start == i + 1:
            out.setdefault(bare_after[0].start, "gen")
        before = [ch for ch in self.chunks if ch.end <= i and ch.clause == c and not ch.prep]
        if before:
            out.setdefault(before[-1].start, "pre1")
        for ch in self.chunks:
            if ch.prep == "agent" and ch.clause == c:
                out.setdefault(ch.start, "agent")
        self._slots[key] = out
        return out

    def speaker(self, i: int, j: int) -> bool:
        """Word ``j`` is the subject of a reporting verb whose reported clause holds the trigger ``i``."""
        if j >= i or self.clause[j] == self.clause[i]:
            return False
        return any(self.bare[r] in _REPORT and self.clause[r] == self.clause[j] for r in range(max(0, j - 4), j))

    def governed(self, i: int, j: int) -> bool:
        """Word ``j`` is the subject of a verb of saying whose object is the verbal-noun trigger ``i``: «أدانت
        السعودية الهجوم» — Saudi Arabia condemned the attack, it did not attack. Only verbs of saying (``is_say``,
        reporting verbs): the subject of «أطلقت القوات قنابل» or «شنت الطائرات غارات» did the act."""
        hit = self._governed.get(i)
        if hit is None:  # the governed subjects of trigger ``i``, found once (asked for every candidate word)
            hit = set()
            c = self.clause[i]
            for k in range(i):
                if not self.verb[k] or self.clause[k] != c or not self._says(k):
                    continue
                slots = self.slots(k, True)
                obj = slots.get(i)
                hit.update(m for m, s in slots.items()
                           if s == "post1" and obj == "post2" or s == "pre1" and obj == "post1")
            self._governed[i] = hit
        return j in hit

    def _says(self, k: int) -> bool:
        return self.bare[k] in _REPORT or bool(self.is_say and self.is_say(self.words[k].norm))

    def spokesman(self, j: int) -> bool:
        """«المتحدث باسم الجيش»: the spokesman word, or the body after «باسم»."""
        k = self.chunk_of[j]
        return (self.stem[j] in _SPOKESMAN or (j > 0 and self.bare[j - 1] == "باسم")
                or (k is not None and self.chunks[k].prep == "باسم"))

    def feats(self, i: int, j: int, plover: str, verbal: bool) -> list[str]:
        """Structure features of word ``j`` as a role of the trigger at word ``i``."""
        return feats_of_key(self.feat_key(i, j, plover, verbal))

    def _word_key(self, j: int) -> tuple:
        """The parts of the structure features that depend on word ``j`` alone (computed once per word):
        noun-phrase code, clause, own-clause subject (``o``/``m``: of the first subject clause too or not),
        in a relative clause, spokesman, actor head."""
        hit = self._wkey.get(j)
        if hit is not None:
            return hit
        k = self.chunk_of[j]
        ch = self.chunks[k] if k is not None else None
        np = None if ch is None else (ch.prep or "-") if ch.start == j else False
        osubj = None
        if self.subject.get(self.clause[j]) == j:
            osubj = "m" if self.clause[j] == self._first_subject else "o"
        out = self._wkey[j] = (np, self.clause[j], osubj, self.in_rel[j], self.spokesman(j),
                               self.head[j])
        return out

    def feat_key(self, i: int, j: int, plover: str, verbal: bool) -> tuple:
        """Everything :meth:`feats` reads, as a hashable key (``feats_of_key`` spells it out): pairs with
        the same key have the same features, so their weight rows can be looked up once per key."""
        side = "B" if j < i else "A"
        np, cl_j, osubj, rel_j, spokes, head = self._word_key(j)
        slots = self.slots(i, verbal)
        slot = slots.get(j)
        haspre = slot == "post1" and "pre1" in slots.values()
        cl_i = self.clause[i]
        if self.subject.get(cl_i) == j:
            subj = "c"
        else:
            subj = osubj
        same = cl_j == cl_i
        cl = "same" if same else "rel" if rel_j else "other"
        trig = ("same" if same else "out") if self.in_rel[i] else None
        passive = i > 0 and self.bare[i - 1] in _PASSIVE_AUX
        return (side, plover, verbal, np, slot, haspre, subj, cl, trig, self.speaker(i, j),
                j < self.dateline, spokes, head, passive)

    def feat_keys(self, i: int, js: list[int], plover: str, verbal: bool) -> list[tuple]:
        """:meth:`feat_key` of the trigger at ``i`` with each candidate word of ``js``, in order. What depends on
        the trigger alone (its slots, clause, clause subject, passive auxiliary) is read once instead of once
        per candidate, and ``speaker`` from the per-word :meth:`_said`: the same keys, for a fraction of the
        work (the role scorer asks for every candidate of every trigger)."""
        slots = self.slots(i, verbal)
        haspre = "pre1" in slots.values()
        cl_i = self.clause[i]
        csubj = self.subject.get(cl_i)
        trig_rel = self.in_rel[i]
        passive = i > 0 and self.bare[i - 1] in _PASSIVE_AUX
        keys = self._wkeys
        if keys is None:
            keys = self._wkeys = [self._word_key(j) for j in range(len(self.words))]
        dateline, said, slot_of = self.dateline, self._said, slots.get
        out = []
        for j in js:
            np, cl_j, osubj, rel_j, spokes, head = keys[j]
            slot = slot_of(j)
            same = cl_j == cl_i
            out.append(("B" if j < i else "A", plover, verbal, np, slot, haspre and slot == "post1",
                        "c" if csubj == j else osubj, "same" if same else "rel" if rel_j else "other",
                        ("same" if same else "out") if trig_rel else None, j < i and not same and said(j),
                        j < dateline, spokes, head, passive))
        return out

    def _said(self, j: int) -> bool:
        """A reporting verb of word ``j``'s clause stands in the 4 words before it: the part of :meth:`speaker`
        that depends on ``j`` alone (memoised per word)."""
        hit = self._said_memo.get(j)
        if hit is None:
            c, bare, clause = self.clause[j], self.bare, self.clause
            hit = self._said_memo[j] = any(bare[r] in _REPORT and clause[r] == c for r in range(max(0, j - 4), j))
        return hit

    def span(self, j: int) -> tuple[int, int]:
        """Character span of the noun phrase headed at word ``j`` (the word alone outside any chunk)."""
        k = self.chunk_of[j]
        if k is None:
            return self.words[j].start, self.words[j].end
        ch = self.chunks[k]
        return self.words[j].start, self.words[ch.end - 1].end

    def conjuncts(self, j: int) -> list[int]:
        """Heads of phrases joined to the phrase at ``j`` by «و» («روحاني وبوتين»): one span per conjunct."""
        out: list[int] = []
        k = self.chunk_of[j]
        while k is not None and k + 1 < len(self.chunks):
            nxt = self.chunks[k + 1]
            if (nxt.start != self.chunks[k].end or nxt.clause != self.chunks[k].clause or nxt.prep
                    or not self.words[nxt.start].norm.startswith("و") or "،" in self.gap[nxt.start]):
                break
            if not (self.words[nxt.start].ner or self.head[nxt.start]):
                break
            out.append(nxt.start)
            k += 1
        return out

    def backstop_actor(self, i: int, verbal: bool) -> int | None:
        """The grammar's actor when the model is unsure: a name or actor noun in the subject slot."""
        slots = self.slots(i, verbal)
        order = ("agent", "post1", "pre1") if verbal else ("agent", "pre1")
        subj = self.subject.get(self.clause[i])
        if subj is not None and subj != i:
            slots = {**slots, subj: "csubj"}
            order = ("agent", "csubj", *order[1:])
        for name in order:
            for j, s in slots.items():
                if (s != name or j < self.dateline or self.spokesman(j) or self.speaker(i, j)
                        or not verbal and self.governed(i, j)):
                    continue
                if self.words[j].ner in ("PER", "ORG", "LOC") or self.head[j]:
                    return j
        return None

    def backstop_target(self, i: int, verbal: bool, actor: int | None) -> int | None:
        """The grammar's target when the model is unsure: the object of a verb (the phrase after its subject,
        or after the verb when the subject stands before it), the genitive of a verbal noun, or the phrase
        after «على / ضد / إلى / ل / ب / مع» in the trigger's clause."""
        slots = self.slots(i, verbal)
        by = {s: j for j, s in slots.items()}
        if verbal:
            order = ["post2"] if by.get("post1") == actor or "pre1" not in by else ["post1", "post2"]
        else:
            order = ["gen"]
        for name in order:
            j = by.get(name)
            if j is not None and j != actor and j >= self.dateline and (verbal or self._party(j)):
                return j  # a verb's object is its target whatever it is («قصفت … مواقع», «اعتقلت … صحفيا»)
        c = self.clause[i]
        for ch in self.chunks:
            if (ch.start > i and ch.clause == c and ch.prep in _OTHER_PARTY and ch.start != actor
                    and self._party(ch.start)):
                return ch.start
        return None

    def _party(self, j: int) -> bool:
        """A mention that can be a party to an act: a name, or a common noun of ``actor_head``."""
        return bool(self.words[j].ner) or self.head[j]


def feats_of_key(key: tuple) -> list[str]:
    """The structure features of a :meth:`SentenceRoles.feat_key` key, in their fixed order."""
    side, plover, verbal, np, slot, haspre, subj, cl, trig, speaker, dateline, spokes, head, passive = key
    group = TYPE_GROUPS.get(plover, "other")
    out = [f"verbal:{verbal}:{side}"]
    if np is None:
        out.append("np:none")
    elif np is False:
        out.append("np:inner")
    else:
        out += ["np:head", f"prep:{np}", f"prep:{np}:{side}", f"prep:{np}:{group}"]
    if slot is not None:
        out += [f"slot:{slot}", f"slot:{slot}:{group}", f"slot:{slot}:{plover}"]
        if haspre:
            out.append("slot:post1:haspre")
    if subj == "c":
        out += ["csubj", f"csubj:{group}", f"csubj:{side}"]
    elif subj is not None:
        out += [f"osubj:{side}", f"osubj:{group}"]
        if subj == "m":
            out += ["msubj", f"msubj:{group}"]
    out.append("cl:same" if cl == "same" else "cl:rel" if cl == "rel" else f"cl:other:{side}")
    if trig is not None:
        out.append(f"trig:rel:{trig}")
    if speaker:
        out += ["speaker", f"speaker:{group}"]
    if dateline:
        out.append("dateline")
    if spokes:
        out.append("spokesman")
    if head:
        out += ["head", f"head:{side}"]
    if passive:
        out.append(f"passive:{side}")
    return ["g:" + f for f in out]
