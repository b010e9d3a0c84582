"""``python -m rasid`` is the ``rasid`` command."""

from rasid.cli import app

app()
