"""The consultation: registry, feedback register, workspace, history, recording and check."""
