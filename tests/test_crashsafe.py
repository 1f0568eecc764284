"""A crawl killed mid-write leaves the HTTP cache entry and the attachment whole or absent
(``crawler.crashsafe``): the write is cut by an exception at the moment a SIGKILL could land."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.crashsafe import CrashSafeCacheStorage, CrashSafeFilesStore


class Killed(Exception):
    """Stands for the SIGKILL: nothing after it runs."""


@pytest.fixture
def storage(tmp_path: Path) -> tuple[CrashSafeCacheStorage, Spider]:
    settings = Settings({"HTTPCACHE_DIR": str(tmp_path / "cache")})
    spider = Spider("s")
    spider.crawler = get_crawler(Spider)
    store = CrashSafeCacheStorage(settings)
    store.open_spider(spider)
    return store, spider


def _response(url: str, body: bytes) -> HtmlResponse:
    return HtmlResponse(url, body=body, headers={"ETag": '"v1"'}, encoding="utf-8")


def _die_at_body(store: CrashSafeCacheStorage) -> None:
    opener = store._open

    def dying(path: Any, mode: str = "rb", *args: Any) -> Any:
        file = opener(path, mode, *args)
        if "w" in mode and Path(path).name.startswith("response_body"):
            file.close()
            raise Killed  # the body file is created, empty
        return file

    store._open = dying  # type: ignore[method-assign]


def test_a_cache_entry_is_read_back_whole(storage):
    store, spider = storage
    request = Request("http://example.org/a")
    store.store_response(spider, request, _response(request.url, b"<p>report</p>"))
    cached = store.retrieve_response(spider, request)
    assert cached is not None and cached.body == b"<p>report</p>" and cached.status == 200
    assert not list(Path(store.cachedir).rglob("*.part"))


@pytest.mark.parametrize("before", [None, b"<p>old</p>"])
def test_a_write_killed_at_the_body_leaves_no_entry(storage, before):
    store, spider = storage
    request = Request("http://example.org/a")
    if before is not None:
        store.store_response(spider, request, _response(request.url, before))
    _die_at_body(store)
    with pytest.raises(Killed):
        store.store_response(spider, request, _response(request.url, b"<p>new</p>"))
    # Scrapy's own storage would hand back an empty body here (a 304 then keeps it).
    assert store.retrieve_response(spider, request) is None


def test_an_attachment_killed_mid_write_is_not_on_disk(tmp_path, monkeypatch):
    store = CrashSafeFilesStore(str(tmp_path))
    store.persist_file("s/a.pdf", BytesIO(b"%PDF-1.4 whole"), info=None)
    assert (tmp_path / "s" / "a.pdf").read_bytes() == b"%PDF-1.4 whole"

    def half(self: Path, data: bytes) -> int:
        with self.open("wb") as f:
            f.write(data[: len(data) // 2])
        raise Killed

    monkeypatch.setattr(Path, "write_bytes", half)
    with pytest.raises(Killed):
        store.persist_file("s/b.pdf", BytesIO(b"%PDF-1.4 whole"), info=None)
    assert not (tmp_path / "s" / "b.pdf").exists()  # FilesPipeline would count it downloaded
    assert store.stat_file("s/b.pdf", info=None) == {}


def test_a_folder_made_at_the_same_moment_by_another_worker(tmp_path, monkeypatch):
    """Another worker creates the folder between the check and the mkdir (Path.exists says
    no, the folder is there): the store opens and writes all the same (Scrapy's raised
    FileExistsError, and that worker's crawl never opened)."""
    (tmp_path / "files" / "s").mkdir(parents=True)
    monkeypatch.setattr(Path, "exists", lambda self: False)
    store = CrashSafeFilesStore(str(tmp_path / "files"))
    store.persist_file("s/a.pdf", BytesIO(b"%PDF"), info=None)
    assert (tmp_path / "files" / "s" / "a.pdf").read_bytes() == b"%PDF"
