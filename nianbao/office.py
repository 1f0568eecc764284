"""The LibreOffice conversion now lives in ``pipelines.office`` (kept here for old imports)."""

from pipelines.office import (
    CONVERTIBLE,
    OLE_MAGIC,
    RTF_MAGIC,
    TIMEOUT,
    OfficeError,
    needs_conversion,
    prepare,
    soffice_path,
    to_docx,
)

__all__ = [
    "CONVERTIBLE",
    "OLE_MAGIC",
    "RTF_MAGIC",
    "TIMEOUT",
    "OfficeError",
    "needs_conversion",
    "prepare",
    "soffice_path",
    "to_docx",
]
