"""``python -m nianbao``."""

import sys

from nianbao.cli import main

sys.exit(main())
