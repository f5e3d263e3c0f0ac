"""draftctl: attributed policy drafting on plain git."""

__version__ = "0.1.0"
