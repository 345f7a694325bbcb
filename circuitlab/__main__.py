import sys

from circuitlab.cli import main

sys.exit(main())
