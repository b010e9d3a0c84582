"""CRF features for Arabic NER: word forms, clitic-stripped stems, affixes, shape, gazetteer hits, window ±2.

Arabic has no capitalisation, so gazetteer membership and context words (titles such as
الرئيس, وزير; verbs such as قال) carry most of the signal; stems let وموسكو share weights with موسكو.
"""

from __future__ import annotations

from rasid.extract.gazetteer import Gazetteer
from rasid.extract.ner.clusters import WordClusters
from rasid.extract.ner.morph import clitic_variants, strip_article
from rasid.extract.ner.titles import TITLE_WORDS
from rasid.text.normalize import normalize, strip_proclitics


def _shape(tok: str) -> str:
    if tok.isdigit():
        return "D"
    if all(not c.isalnum() for c in tok):
        return "P"
    if tok.isascii():
        return "L"
    return "A"


def token_features(tokens: list[str], gaz: Gazetteer, clusters: WordClusters | None = None) -> list[list[str]]:
    """One feature list per token of a sentence (crfsuite string features)."""
    norms = [normalize(t) for t in tokens]
    classes = [clusters.get(n) for n in norms] if clusters else [("-", "-")] * len(norms)
    stems = [strip_article(strip_proclitics(n)) for n in norms]
    gtags: list[set[str]] = [set() for _ in tokens]
    for i, j, types, cut in gaz.match(norms):
        for typ in types:
            gtags[i].add(f"B{typ}")
            for k in range(i + 1, j):
                gtags[k].add(f"I{typ}")
        if cut:
            gtags[i].add("gcut")
        if j - i > 1:
            for k in range(i, j):
                gtags[k].add("gmulti")
    single: list[str] = []
    for n in norms:
        hit = "-"
        for form, cut in clitic_variants(n):
            types = gaz.types(form)
            if types:
                hit = "".join(sorted(types)) + ("c" if cut else "")
                break
        single.append(hit)

    feats: list[list[str]] = []
    for i, tok in enumerate(tokens):
        n, s = norms[i], stems[i]
        f = [
            "b",
            "w=" + n,
            "s=" + s,
            "p2=" + n[:2],
            "p3=" + n[:3],
            "x2=" + n[-2:],
            "x3=" + n[-3:],
            "sx2=" + s[-2:],
            "sx3=" + s[-3:],
            "sp2=" + s[:2],
            "sp3=" + s[:3],
            "shape=" + _shape(tok),
            "len=" + str(min(len(s), 8)),
            "g1=" + single[i],
            "k=" + classes[i][0],
            "kf=" + classes[i][1],
        ]
        if n.startswith("ال") or (len(n) > len(s) and "ال" in n[: len(n) - len(s)]):
            f.append("al")
        f.extend("g=" + t for t in gtags[i])
        for off in (-2, -1, 1, 2):
            k = i + off
            if 0 <= k < len(tokens):
                f.append(f"{off}w={norms[k]}")
                f.append(f"{off}s={stems[k]}")
                f.append(f"{off}g1={single[k]}")
                f.append(f"{off}k={classes[k][0]}")
                f.extend(f"{off}g={t}" for t in gtags[k])
            else:
                f.append(f"{off}pad")
        for off in (-1, -2):  # a title (الرئيس، وزير، المتحدث...) just before
            k = i + off
            if k >= 0 and (norms[k] in TITLE_WORDS or strip_proclitics(norms[k]) in TITLE_WORDS):
                f.append(f"T{off}")
        if clusters:
            for off in (-2, -1, 1, 2):
                k = i + off
                if 0 <= k < len(tokens):
                    f.append(f"{off}kf={classes[k][1]}")
            if i > 0:
                f.append(f"-1k|k={classes[i - 1][0]}|{classes[i][0]}")
                f.append(f"-1w|k={norms[i - 1]}|{classes[i][0]}")
            if i + 1 < len(tokens):
                f.append(f"k|+1k={classes[i][0]}|{classes[i + 1][0]}")
        for off in (-3, 3):  # wider gazetteer context: lists of places, "X bin Y bin Z"
            k = i + off
            if 0 <= k < len(tokens) and single[k] != "-":
                f.append(f"{off}g1={single[k]}")
        if i > 0:
            f.append(f"-1w|w={norms[i - 1]}|{n}")
        if i + 1 < len(tokens):
            f.append(f"w|+1w={n}|{norms[i + 1]}")
        feats.append(f)
    return feats
