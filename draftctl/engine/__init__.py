"""The pure provenance engine: blocks, tokens, diff, attribution (no git, typer, rich)."""
