"""cstool: the command-line tool a Customer Success team lives in."""

__version__ = "0.1.0"
