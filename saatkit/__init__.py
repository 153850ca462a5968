"""saatkit: cross-database micro-expression recognition with SA-AT and the MEGC 2019 protocol."""

__version__ = "0.1.0"
