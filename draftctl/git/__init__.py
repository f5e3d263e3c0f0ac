"""The only door to git: discovery, safe invocation, objects, commits, refs, trailers."""
