"""Files in, rows of the store out: readers, validation with Dutch reasons, and the load transaction."""


class UnusableInput(Exception):
    """A file or argument that cannot be used at all; the command line prints it and exits 2."""
