"""``python -m mixmap``: the same as the ``mixmap`` command."""

import sys

from .cli import main

sys.exit(main())
