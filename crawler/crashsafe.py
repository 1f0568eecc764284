"""Files a killed crawl leaves whole or not at all: the HTTP cache and the attachments.

Scrapy writes both in place: ``FilesystemCacheStorage`` writes an entry's index
(``pickled_meta``) before its body, and ``FSFilesStore`` truncates then writes an attachment.
A process killed between the two leaves an entry with an empty body, or half a PDF, which the
next crawl (or the worker that takes over a dead one's requests) reads as the page: with the
portal's 304 the empty body is "not modified", and a file on disk counts as downloaded. Here
every file is written beside its place (``NAME.part``) and renamed over it (``os.replace``,
atomic), and a cache entry's index is removed first and renamed into place last, so a reader
finds the old entry, none, or the new one complete. Folders are made with ``exist_ok``:
workers sharing the cache and ``FILES_STORE`` on one machine create them at the same moment.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import Request, Response
from scrapy.pipelines.files import FSFilesStore

PART = ".part"


class CrashSafeCacheStorage(FilesystemCacheStorage):
    """``HTTPCACHE_STORAGE``: Scrapy's filesystem cache, each entry replaced whole."""

    INDEX = "pickled_meta"  # what retrieve_response reads first: no index, no entry

    def store_response(self, spider: Any, request: Request, response: Response) -> None:
        rpath = Path(self._get_request_path(spider, request))
        rpath.mkdir(parents=True, exist_ok=True)  # Scrapy's check-then-mkdir races other workers
        (rpath / self.INDEX).unlink(missing_ok=True)
        written: list[Path] = []
        opener = self._open

        def staged(path: str | os.PathLike[str], mode: str = "rb", *args: Any) -> IO[bytes]:
            if "w" not in mode:
                return opener(path, mode, *args)
            written.append(Path(path))
            return opener(f"{path}{PART}", mode, *args)

        self._open = staged  # type: ignore[assignment]
        try:
            super().store_response(spider, request, response)
        finally:
            self._open = opener  # type: ignore[method-assign]
        written.sort(key=lambda p: p.name == self.INDEX)  # the index last
        for path in written:
            os.replace(f"{path}{PART}", path)


class CrashSafeFilesStore(FSFilesStore):
    """FilesPipeline's local store: an attachment is renamed into place once written whole."""

    def persist_file(
        self,
        path: str | os.PathLike[str],
        buf: BytesIO,
        info: Any,
        meta: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        target = self._get_filesystem_path(path)
        self._mkdir(target.parent, info)
        part = target.with_name(target.name + PART)
        part.write_bytes(buf.getvalue())
        os.replace(part, target)

    def _mkdir(self, dirname: Path, domain: Any = None) -> None:
        """Scrapy's checks that the folder exists, then creates it: two workers starting at
        once on one ``FILES_STORE`` raced, and the loser's crawl never opened."""
        seen = self.created_directories[domain] if domain else set()
        if str(dirname) not in seen:
            dirname.mkdir(parents=True, exist_ok=True)
            seen.add(str(dirname))
