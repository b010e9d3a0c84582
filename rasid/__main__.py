"""``python -m rasid`` is the ``rasid`` command."""

from rasid.serve.cli import app

app()
