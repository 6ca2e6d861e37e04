"""`python -m maturity.questionnaires [DIR] [--write-schema]`: see `cli.main`."""
import sys

from maturity.questionnaires.cli import main

sys.exit(main(sys.argv[1:]))
