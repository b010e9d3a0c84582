"""Single-page furniture: a small line classifier and a detector for trailing teaser lists.

Furniture that repeats across an outlet's pages is learned by ``LineStats``; this module catches what a
single page shows once: a site name, a menu item, a caption with its photo credit, a comment disclaimer, a
share label, a list of other articles' headlines and their one-sentence leads after the article.

The classifier is a logistic regression over a few features of a line and its neighbours (position,
length, punctuation, script, link-like phrasing, similarity to known furniture, learned repeats), with
weights in ``rasid/data/furniture_weights.json`` built by ``scripts/train_furniture.py`` from the dev
half of ``eval/raw`` and furniture lines of common Arabic news CMS themes written for rasid
(``rasid/data/lexicons/furniture_lines.txt``).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from rasid import resources
from rasid.clean.boilerplate import line_keys, rule_for_key
from rasid.ingest.page import (
    _COPYRIGHT_RE,
    _TICKER_RE,
    PageInfo,
    _nwords,
    is_body_line,
    is_headline_shaped,
    outlet_named,
)
from rasid.text.normalize import normalize

WEIGHTS = "furniture_weights.json"
_CREDIT_RE = re.compile(
    r"\((?:photo|صوره|تصوير|الصوره|credit)?\s*:?\s*[^()]{2,60}(?:/|-|–)\s*(?:afp|reuters|ap|epa|getty|anadolu|"
    r"[A-Z][\w. ]{1,25})\s*\)\s*$|\((?:photo|credit)\s*:[^()]+\)\s*$|(?:تصوير|الصوره|صوره|مصدر الصوره)\s*:|"
    r"(?:^|\s)(?:afp|reuters|getty images|epa|ap photo|anadolu)\s*\)?\s*$|\(\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*\)\s*$",
    re.I)


def _credit(s: str) -> bool:
    """``_CREDIT_RE.search(s)``, skipping the search where it cannot match (most body lines): every branch of
    the pattern needs a closing parenthesis or a Latin agency name (afp … anadolu: under IGNORECASE also
    "ſ", U+017F) at the end of the line, trailing whitespace aside (``\\s*$``), or «صوره»/«تصوير» in it."""
    t = s.rstrip()
    if not t:
        return False
    c = t[-1]
    if c != ")" and not (c.isalpha() and ord(c) < 0x250) and "صوره" not in s and "تصوير" not in s:
        return False
    return bool(_CREDIT_RE.search(s))


_LINKY_RE = re.compile(r"^\s*(?:اقرا|شاهد|طالع|اضغط|تابع|حمل|اشترك|انضم|للمزيد|المزيد|اقرا ايضا|follow|read|share|"
                       r"subscribe|download|click)|(?:اضغط|انقر)\s+هنا\s*$|click here\s*$", re.I)
_COMMENT_RE = re.compile(r"تعليق|التعليقات|المعلقين|الاراء الوارده|لا تعبر عن|تحتفظ بحق|الاسم|البريد|comment", re.I)
_ARABIC_RE = re.compile(r"[\u0600-\u06FF]")
_SENT_END_RE = re.compile(r"[.!…]['\"»”)]*\s*$")
FEATURES = ["bias", "before_title", "after_body", "rel_pos", "log_chars", "short_1_3", "words_4_8", "sent_end",
            "question_end", "colon_end", "latin_share", "digit_share", "no_arabic", "rule", "repeated",
            "headline_shape", "credit", "linky", "comment", "copyright", "ticker_label", "site_name",
            "known_furniture", "prev_body", "next_body", "prev_headline", "next_headline", "after_marker",
            "in_tail_pairs", "body_shape", "pipes"]


# features that say something about the line itself (not just where it is): one is needed to remove a line
# (``_any_strong`` decides the same without the whole vector; a test keeps the two in step)
_STRONG = [FEATURES.index(f) for f in ("before_title", "no_arabic", "rule", "repeated", "credit", "linky", "comment",
                                        "copyright", "ticker_label", "site_name", "known_furniture", "in_tail_pairs")]


@lru_cache(maxsize=1)
def _known() -> tuple[set[str], dict]:
    lines = set()
    for ln in resources.data_lines(resources.path("lexicons/furniture_lines.txt")):
        lines.add(" ".join(normalize(ln).split()))
    try:
        weights = resources.load_json(WEIGHTS)
    except (OSError, ValueError):
        weights = {}
    return lines, weights


@lru_cache(maxsize=1)
def _known_grams() -> list[tuple[int, set[str]]]:
    """(length, trigrams) of each known furniture line, computed once instead of once per line compared."""
    return [(len(k), _grams(k)) for k in _known()[0]]


@lru_cache(maxsize=1)
def _known_grams_by_length() -> dict[int, list[set[str]]]:
    """``_known_grams`` grouped by line length, so a key is compared only with lines within 12 characters."""
    out: dict[int, list[set[str]]] = {}
    for n, kg in _known_grams():
        out.setdefault(n, []).append(kg)
    return out


def _grams(s: str) -> set[str]:
    s = f" {s} "
    return {s[i:i + 3] for i in range(len(s) - 2)}


def _known_sim(key: str) -> float:
    """Trigram Jaccard of a short line's key with the closest known furniture line (0 below 0.5)."""
    if key in _known()[0]:
        return 1.0
    if len(key) > 60 or len(key) < 2:
        return 0.0
    g = _grams(key)
    ng = len(g)
    best = 0.0
    by_length = _known_grams_by_length()
    for n in range(len(key) - 12, len(key) + 13):
        for kg in by_length.get(n, ()):
            # the Jaccard is at most min(|g|, |kg|) / max(|g|, |kg|): below 0.5, this line cannot count
            if 2 * min(ng, len(kg)) < max(ng, len(kg)):
                continue
            best = max(best, len(g & kg) / max(1, len(g | kg)))
    return best if best >= 0.5 else 0.0


def line_features(lines: list[str], page: PageInfo, repeated: set[int],
                  scorable_only: bool = False, keys: list[str] | None = None) -> dict[int, list[float]]:
    """Feature vector (in ``FEATURES`` order) for every non-blank line.

    ``scorable_only``: leave out the lines ``furniture_scores`` would not score anyway (the headline, the
    metadata lines, and lines with no strong feature that are long, end in a colon or have no weak sign);
    most lines of an article are body lines with no strong feature, and deciding that is cheaper than
    their whole vector. The vectors of the lines kept are the same. ``keys``: the lines' ``line_key``
    when the caller has them (``line_keys``), else computed here.
    """
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    n = len(idx)
    nw = {i: _nwords(lines[i]) for i in idx}
    shape = {i: is_headline_shaped(lines[i]) for i in idx}
    bodyish = {i: is_body_line(lines[i]) for i in idx}
    keys = keys if keys is not None else line_keys(lines)
    rules = {i: rule_for_key(keys[i]) is not None for i in idx}
    tail_pairs = _tail_pairs(lines, idx, page, shape, bodyish, rules, keys)
    # the last qualifying line, looked for from the end (the credit test runs on few lines, not on all)
    last_body = next((i for i in reversed(idx) if (bodyish[i] or nw[i] >= 10) and i not in tail_pairs
                      and (page.body_start is None or i >= page.body_start) and not rules[i]
                      and not _credit(lines[i])), None)
    short_tail = _short_tail(idx, shape) if scorable_only else set()
    out: dict[int, list[float]] = {}
    marker_seen = False
    for k, i in enumerate(idx):
        s = lines[i].strip()
        key = keys[i]  # the stripped line's key too: normalising creates no whitespace
        after_body = page.body_start is not None and i > page.body_start
        if after_body and ((rules[i] and nw[i] <= 4) or _TICKER_RE.search(key)):
            marker_seen = True
        if scorable_only:
            if i == page.title_line or i in page.meta_lines:
                continue
            weak_ok = nw[i] < 8 and not lines[i].rstrip().endswith(":") and (
                nw[i] <= 3 or marker_seen or i in short_tail)
            if not weak_ok and not _any_strong(i, s, key, page, rules, repeated, bodyish, tail_pairs):
                continue
        prev_i = idx[k - 1] if k else None
        next_i = idx[k + 1] if k + 1 < n else None
        out[i] = _vector(i, s, key, k, n, nw[i], page, rules, repeated, shape, bodyish, tail_pairs, last_body,
                         marker_seen, prev_i, next_i)
    return out


_LATIN_DROP = dict.fromkeys(map(ord, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
_DIGIT_DROP = dict.fromkeys(c for c in range(0x110000) if chr(c).isdigit())


def _count_dropped(s: str, table: dict[int, None]) -> int:
    """Characters of ``s`` in ``table`` (str.translate deletes them: one C pass, no match objects)."""
    return len(s) - len(s.translate(table))


def _any_strong(i: int, s: str, key: str, page: PageInfo, rules: dict[int, bool], repeated: set[int],
                bodyish: dict[int, bool], tail_pairs: set[int]) -> bool:
    """Whether any of the ``_STRONG`` features of the line is set, cheapest checks first."""
    return bool(
        (page.title_line is not None and i < page.title_line) or rules[i] or i in repeated or i in tail_pairs
        or not _ARABIC_RE.search(s) or _credit(s) or _LINKY_RE.search(key)
        or (_COMMENT_RE.search(key) and (not bodyish[i] or len(s) < 200))
        or _COPYRIGHT_RE.search(s) or _TICKER_RE.search(key) or outlet_named(s, whole=True)
        or _known_sim(key))


def _vector(i: int, s: str, key: str, k: int, n: int, nw: int, page: PageInfo, rules: dict[int, bool],
            repeated: set[int], shape: dict[int, bool], bodyish: dict[int, bool], tail_pairs: set[int],
            last_body: int | None, marker_seen: bool, prev_i: int | None, next_i: int | None) -> list[float]:
    chars = max(1, len(s))
    return [
        1.0,
        float(page.title_line is not None and i < page.title_line),
        float(last_body is not None and i > last_body),
        k / max(1, n - 1),
        math.log(chars) / 6,
        float(nw <= 3),
        float(4 <= nw <= 8),
        float(bool(_SENT_END_RE.search(s))),
        float(s.endswith(("?", "؟"))),
        float(s.endswith((":", "："))),
        _count_dropped(s, _LATIN_DROP) / chars,
        _count_dropped(s, _DIGIT_DROP) / chars,
        float(not _ARABIC_RE.search(s)),
        float(rules[i]),
        float(i in repeated),
        float(shape[i]),
        float(_credit(s)),
        float(bool(_LINKY_RE.search(key))),
        float(bool(_COMMENT_RE.search(key)) and not bodyish[i] or bool(_COMMENT_RE.search(key)) and len(s) < 200),
        float(bool(_COPYRIGHT_RE.search(s))),
        float(bool(_TICKER_RE.search(key))),
        float(bool(outlet_named(s, whole=True))),
        _known_sim(key),
        float(prev_i is not None and bodyish[prev_i]),
        float(next_i is not None and bodyish[next_i]),
        float(prev_i is not None and shape[prev_i]),
        float(next_i is not None and shape[next_i]),
        float(marker_seen),
        float(i in tail_pairs),
        float(bodyish[i]),
        float("|" in s or " - " in s and not bodyish[i]),
    ]


def _short_tail(idx: list[int], shape: dict[int, bool]) -> set[int]:
    """The trailing run of headline-shaped lines (to the end of the text), when it is short (≤ 3 lines) and
    not the whole page: after a sentence, that is a list of other articles' headlines; a long run is more
    likely the article's own list (names, results)."""
    run: list[int] = []
    for i in reversed(idx):
        if not shape[i]:
            break
        run.insert(0, i)
    return set(run) if 0 < len(run) <= 3 and len(run) < len(idx) else set()


def _tail_pairs(lines: list[str], idx: list[int], page: PageInfo, shape: dict[int, bool],
                bodyish: dict[int, bool], rules: dict[int, bool], keys: list[str]) -> set[int]:
    """Lines of a trailing teaser list: after the article has ended (a furniture line such as share
    buttons, tags or a "related" label after body text), runs of (headline, optional one-sentence lead)."""
    if page.body_start is None:
        return set()
    out: set[int] = set()
    ended = False
    seen_body = False
    k = 0
    while k < len(idx):
        i = idx[k]
        if i < page.body_start:
            k += 1
            continue
        if bodyish[i] and not rules[i] and not ended:
            seen_body = True
        key = keys[i]
        if seen_body and ((rules[i] and _nwords(lines[i]) <= 4) or _TICKER_RE.search(key)):
            ended = True if not bodyish[i] else ended
            k += 1
            continue
        if ended and shape[i] and not _credit(lines[i]):
            run = [i]
            j = k + 1
            while j < len(idx) and ((shape[idx[j]] and not _credit(lines[idx[j]])) or (
                    bodyish[idx[j]] and _nwords(lines[idx[j]]) <= 45 and shape[idx[j - 1]])):
                run.append(idx[j])
                j += 1
            heads = sum(shape[x] for x in run)
            if heads >= 2:
                out.update(run)
            k = j
            continue
        k += 1
    return out


def furniture_scores(lines: list[str], page: PageInfo, repeated: set[int],
                     threshold: float | None = None, keys: list[str] | None = None) -> dict[int, str]:
    """Lines the classifier calls furniture (line → reason), besides the headline and metadata lines."""
    _, weights = _known()
    w = weights.get("weights")
    if not w or len(w) != len(FEATURES):
        return {}
    if page.body_start is None:  # no sentence-bearing paragraph: no page structure to read furniture from
        return {}
    thr = weights.get("threshold", 0.5) if threshold is None else threshold
    feats = line_features(lines, page, repeated, scorable_only=True, keys=keys)
    out: dict[int, str] = {}
    for i, x in feats.items():
        z = sum(a * b for a, b in zip(w, x, strict=True))
        p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
        if p >= thr:
            if x[FEATURES.index("credit")]:
                out[i] = "caption"
            elif x[FEATURES.index("in_tail_pairs")]:
                out[i] = "teaser-list"
            else:
                out[i] = "furniture-classifier"
    return out


def probabilities(lines: list[str], page: PageInfo, repeated: set[int], weights: list[float]) -> dict[int, float]:
    feats = line_features(lines, page, repeated)
    return {i: 1 / (1 + math.exp(-max(-30.0, min(30.0, sum(a * b for a, b in zip(weights, x, strict=True))))))
            for i, x in feats.items()}
