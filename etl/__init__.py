"""Files in, rows of the store out: readers, validation with Dutch reasons, and the load transaction."""
