"""`python -m brochure` runs the command line."""

from brochure.cli import main

if __name__ == "__main__":
    main()
