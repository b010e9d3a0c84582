"""Stage 5, stories: incremental event clustering, story title and summary, claim comparison, timelines."""
