"""What the story stage's lead embedder costs for each embedded text, on the first N ANT articles.

Why: the embedded lead is a choice (``[stories.embed] embed_sentences``); its cost is tokens, and tokens are CPU.
For the title + 1 and title + 2 sentences (≤ ``lead_chars``), prints the tokens per article, the CPU seconds of
tokenising alone and of the whole encode (tokenising included), in this process.

Usage: python scripts/dev/embed_cost.py [--data ../shared/data] [--n 3000]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from _shared import ant_articles_args  # noqa: E402
from bench_pipeline import write_input  # noqa: E402

from rasid.config import EmbedConfig  # noqa: E402
from rasid.ingest.readers import read_inputs  # noqa: E402
from rasid.models import Document, RawArticle  # noqa: E402
from rasid.stories.embed import Embedder  # noqa: E402


def main() -> int:
    folder, n = ant_articles_args(__doc__)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        write_input(folder, n, src)
        docs = [Document(id=a.doc_id, text=a.text, raw_text="", source_path="", fmt="jsonl", title=a.title)
                for a in read_inputs([src]) if isinstance(a, RawArticle)]
    emb = Embedder.load("use")
    if not emb.available:
        print("no embedding backend installed; skipping")
        return 0
    emb.encode(["تحميل"])  # weights and tokenizer loaded outside the timing
    tokenizer = emb._model._tokenizer
    chars = EmbedConfig().lead_chars
    print(f"{len(docs)} articles\n| embedded | tokens per article | tokenise CPU s | encode CPU s |\n|---|---|---|---|")
    for n in (2, 1):
        texts = Embedder.leads(docs, chars, n)
        t = time.process_time()
        tokens = sum(len(tokenizer.encode(x, out_type=int, add_bos=True, add_eos=True)) for x in texts)
        tok_s = time.process_time() - t
        t = time.process_time()
        emb.encode(texts)
        print(f"| title + {n} sentence(s) | {tokens / len(docs):.1f} | {tok_s:.2f} | {time.process_time() - t:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
