"""The error a document reader raises for bytes it cannot read."""


class DocumentError(ValueError):
    """The bytes are not a readable document of the kind claimed (damaged, encrypted, unknown)."""
