"""``python -m linter``."""
from linter.cli import run

run()
