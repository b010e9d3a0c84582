"""PLOVER event coding: trigger lexicon (``lexicon``), sentence classifier (``classifier``), the coder (``coder``)."""
