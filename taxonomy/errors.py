"""The project's exception: a one-line, user-facing message naming the file and the cause."""


class TaxonomyError(ValueError):
    """Bad input or a missing resource; the CLI prints it and exits with status 2."""
