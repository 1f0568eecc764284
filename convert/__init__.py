"""Files the pure parsers cannot read, converted by outside programs (``office``: LibreOffice)."""
