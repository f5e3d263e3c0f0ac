"""`python -m draftctl`."""

from draftctl.cli import main

main()
