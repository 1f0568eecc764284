"""Old Word and WPS files (.doc, .wps) to .docx with LibreOffice, so the parsers can read them.

``parsers`` is pure (bytes in, report out); converting needs a program and files on disk, so
it lives with the pipelines, which read downloaded files (``nianbao parse`` uses it too). Each
conversion runs ``soffice --headless --convert-to docx`` in a temporary directory with its own
LibreOffice profile (conversions never share or lock a user profile) and a time limit.
``NIANBAO_SOFFICE`` names the program if it is not ``soffice`` on PATH.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from parsers.sniff import OLE_MAGIC, RTF_MAGIC, needs_conversion

__all__ = ["OLE_MAGIC", "OfficeError", "needs_conversion", "prepare", "to_docx"]
TIMEOUT = 120.0  # seconds for one conversion (LibreOffice's first start takes a few)


class OfficeError(OSError):
    """LibreOffice is missing, failed, or took too long."""


def soffice_path() -> str:
    """The LibreOffice program; :class:`OfficeError` with a clear message if absent."""
    name = os.environ.get("NIANBAO_SOFFICE") or "soffice"
    found = shutil.which(name) or (
        None if "NIANBAO_SOFFICE" in os.environ else shutil.which("libreoffice")
    )
    if not found:
        raise OfficeError(
            f"LibreOffice ({name}) is not installed or not on PATH: it is needed to read "
            ".doc/.wps files (Debian: apt-get install libreoffice-writer-nogui; or set "
            "NIANBAO_SOFFICE to the program)"
        )
    return found


def to_docx(data: bytes, *, filename: str | None = None, timeout: float = TIMEOUT) -> bytes:
    """The .docx bytes of a .doc/.wps/.rtf file; :class:`OfficeError` on any failure."""
    program = soffice_path()
    suffix = ".rtf" if data[:5] == RTF_MAGIC else ".doc"
    label = filename or f"document{suffix}"
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        outdir = work / "out"
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "docx",
            "--outdir",
            str(outdir),
            str(source),
        ]
        _run(command, timeout=timeout, label=label)
        result = outdir / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise OfficeError(f"LibreOffice could not convert {label} to .docx (damaged file?)")
        return result.read_bytes()


def _run(command: list[str], *, timeout: float, label: str) -> None:
    """Run LibreOffice in its own process group; kill the whole group on timeout."""
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    ) as proc:
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise OfficeError(
                f"LibreOffice took more than {timeout:g}s to convert {label}; gave up"
            ) from None
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise OfficeError(
            f"LibreOffice failed on {label} (exit {proc.returncode})"
            + (f": {detail[-1]}" if detail else "")
        )


def prepare(data: bytes, filename: str | None = None) -> tuple[bytes, str | None]:
    """``(data, filename)`` ready for :func:`parsers.parse_report`: .doc/.wps become .docx."""
    if not needs_conversion(data, filename):
        return data, filename
    converted = to_docx(data, filename=filename)
    stem = Path(filename).stem if filename else "document"
    return converted, f"{stem}.docx"
