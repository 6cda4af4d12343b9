"""``python -m tests.browser``: check the built book from the command line."""

import sys

from . import main

sys.exit(main(sys.argv[1:]))
