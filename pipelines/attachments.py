"""Download the attachments of report pages (.pdf .doc .docx .wps) with Scrapy's FilesPipeline.

Files go to ``FILES_STORE/<site_id>/<sha1 of URL>.<ext>`` (redirects followed:
``MEDIA_ALLOW_REDIRECTS = True``; hosts outside the spider's ``allowed_domains`` too: a page
links its own files); ``item.files`` lists ``{url, path, checksum, status}``.
A report published only as a file (``status`` 0 from the spider) gets status 200 once its
file is stored; failed downloads are counted in the stats ``nianbao/attachments_failed``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, ClassVar

from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.http import Response
from scrapy.pipelines.files import FileInfoOrError, FilesPipeline
from scrapy.pipelines.media import MediaPipeline

from crawler import stats as keys
from crawler.crashsafe import CrashSafeFilesStore
from parsers.sniff import attachment_extension


class AttachmentsPipeline(FilesPipeline):
    """FilesPipeline storing each site's files under its own folder (a local file is renamed
    into place once whole: a crawl killed mid-write leaves no half file, ``crawler.crashsafe``)."""

    STORE_SCHEMES: ClassVar[dict[str, Any]] = {
        **FilesPipeline.STORE_SCHEMES,
        "": CrashSafeFilesStore,
        "file": CrashSafeFilesStore,
    }

    def get_media_requests(self, item: Any, info: MediaPipeline.SpiderInfo) -> list[Request]:
        """FilesPipeline's requests, allowed off the site: a report page may keep its files on
        another host (a file server, a CDN); robots.txt still applies."""
        return [
            r.replace(meta={**r.meta, "allow_offsite": True})
            for r in super().get_media_requests(item, info)
        ]

    def file_path(
        self,
        request: Request,
        response: Response | None = None,
        info: MediaPipeline.SpiderInfo | None = None,
        *,
        item: Any = None,
    ) -> str:
        site = (ItemAdapter(item).get("site_id") if item is not None else None) or "unknown"
        digest = hashlib.sha1(request.url.encode()).hexdigest()
        safe_site = re.sub(r"[^\w.-]", "_", site)
        return f"{safe_site}/{digest}{attachment_extension(request.url)}"

    def item_completed(
        self, results: list[FileInfoOrError], item: Any, info: MediaPipeline.SpiderInfo
    ) -> Any:
        item = super().item_completed(results, item, info)
        adapter = ItemAdapter(item)
        failed = sum(1 for ok, _ in results if not ok)
        self.crawler.stats.inc_value(keys.ATTACHMENTS_STORED, len(results) - failed)
        if failed:
            self.crawler.stats.inc_value(keys.ATTACHMENTS_FAILED, failed)
        if adapter.get("status") == 0 and results:
            adapter["status"] = 200 if all(ok for ok, _ in results) else 0
        return item
