"""``python -m diagnostics``: see :mod:`diagnostics.cli`."""

import sys

from .cli import main

sys.exit(main())
