"""``python -m recsim.cli``: the ``recsim`` command."""

import sys

from recsim.cli import main

sys.exit(main())
