"""Reading changes: annotated diff, blame, log, section history, status and the report."""
