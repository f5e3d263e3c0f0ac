"""Versions and what leaves the repository: tags, digest, verify, export and sync."""
