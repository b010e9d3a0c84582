"""rasid (راصد): offline Arabic news event intelligence."""

__version__ = "0.1.0"
