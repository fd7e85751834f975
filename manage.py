#!/usr/bin/env python
import sys

from quartiers.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
