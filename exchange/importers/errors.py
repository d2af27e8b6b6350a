"""The importers' one error type."""


class DocumentError(ValueError):
    """The document cannot become a release; the message says why, for an editor."""
