"""The one project exception a command line turns into `fout: …` and exit 2."""


class UnusableInput(Exception):
    """A file or argument that cannot be used at all; the command line prints it and exits 2."""
