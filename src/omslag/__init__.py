"""omslag: from keeping legacy ICT running to running digital innovation."""

__version__ = "0.1.0"
