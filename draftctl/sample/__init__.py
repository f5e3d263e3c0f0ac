"""The sample consultation that `draftctl demo` replays."""
