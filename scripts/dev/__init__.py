"""Development-only readers (public corpora for training and evaluation); never imported by rasid at run time."""
