"""The script PyInstaller freezes: the same entry point as the `cyberdesk` console script of a pip install."""

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
