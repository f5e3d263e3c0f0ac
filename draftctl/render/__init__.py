"""Renderers: pure functions from result objects to text, HTML, JSON or Word."""
