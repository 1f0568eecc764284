"""Page chrome of a county portal: header, nav menu, crumbs, side menu, footer badges, sharing.

``page()`` wraps a body in it and encodes the page in the portal's charset, declaring it (or
not) in a ``<meta>`` as the portal does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

# Footer pictures nearly every county portal carries (alt texts as they are printed).
BADGES = (
    ("/images/dzjg.png", "党政机关", "https://bszs.conac.cn/sitename?method=show&id=1"),
    ("/images/gaba.png", "公安机关备案", "https://www.beian.gov.cn/portal/registerSystemInfo"),
    ("/images/jiucuo.png", "政府网站找错", "https://zfwzgl.www.gov.cn/exposure/jiucuo.html"),
    ("/images/slh.png", "适老化无障碍服务", "/wza/index.html"),
)
SHARE = (("/images/wx.png", "微信"), ("/images/wb.png", "微博"), ("/images/qq.png", "QQ空间"))
IMAGES = (
    tuple(p for p, *_ in BADGES)
    + tuple(p for p, _ in SHARE)
    + (
        "/images/qrcode.png",
        "/images/logo.png",
        "/images/banner.jpg",
        "/images/gh.png",
    )
)
# A 1×1 PNG, served for every picture the chrome names.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class Chrome:
    """How a portal frames its pages."""

    site_name: str
    charset: str = "utf-8"  # codec of the bytes: utf-8, gbk, gb18030
    meta_charset: str | None = "utf-8"  # what <meta> declares; None: no <meta charset>
    nav: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    badges: bool = True
    share: bool = True
    qrcode: bool = True
    old_style_meta: bool = False  # <meta http-equiv="Content-Type"> instead of <meta charset>


def _meta(chrome: Chrome) -> str:
    if chrome.meta_charset is None:
        return ""
    if chrome.old_style_meta:
        return (f'<meta http-equiv="Content-Type" content="text/html; '
                f'charset={chrome.meta_charset}">')  # fmt: skip
    return f'<meta charset="{chrome.meta_charset}">'


def footer(chrome: Chrome) -> str:
    badges = ""
    if chrome.badges:
        badges = "".join(
            f'<a href="{href}" target="_blank"><img src="{src}" alt="{alt}"></a>'
            for src, alt, href in BADGES
        )
    return (
        f'<div class="footer"><div class="badges">{badges}</div>'
        f"<p>主办：{escape(chrome.site_name)}办公室　"
        f"承办：{escape(chrome.site_name)}政务服务数据管理局</p>"
        "<p>网站标识码：3412000001　皖ICP备05001234号-1　"
        '<img src="/images/gh.png" alt="">公网安备 34120002000123号</p>'
        "<p>建议使用1920×1080分辨率浏览本网站</p></div>"
    )


def share_bar(chrome: Chrome) -> str:
    parts = []
    if chrome.share:
        icons = "".join(f'<a href="javascript:void(0)"><img src="{s}" alt="{a}"></a>'
                        for s, a in SHARE)  # fmt: skip
        parts.append(f'<div class="share">分享到：{icons}</div>')
    if chrome.qrcode:
        parts.append('<div class="qrcode"><img src="/images/qrcode.png" alt="手机扫码浏览">'
                     "<span>扫一扫在手机打开当前页</span></div>")  # fmt: skip
    parts.append('<div class="tools"><a href="javascript:window.print()">【打印本页】</a>'
                 '<a href="javascript:window.close()">【关闭窗口】</a></div>')  # fmt: skip
    return "".join(parts)


def page(
    chrome: Chrome,
    title: str,
    body: str,
    *,
    crumbs: list[tuple[str, str]] = (),  # type: ignore[assignment]
    side: list[tuple[str, str]] = (),  # type: ignore[assignment]
    head_extra: str = "",
) -> bytes:
    """A whole page, encoded."""
    nav = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in chrome.nav)
    crumb = " &gt; ".join(f'<a href="{h}">{escape(t)}</a>' for t, h in crumbs)
    side_html = ""
    if side:
        links = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in side)
        side_html = f'<div class="side"><ul>{links}</ul></div>'
    html = (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head>{_meta(chrome)}'
        f"<title>{escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/css/style.css">'
        '<script src="/js/jquery.min.js"></script>'
        f"{head_extra}</head><body>"
        f'<div class="top"><a href="/index.html"><img src="/images/logo.png" alt="'
        f'{escape(chrome.site_name)}"></a><span class="tools"><a href="/wza/index.html">无障碍</a>'
        '<a href="javascript:void(0)" class="zzms">长者模式</a>'
        '<a href="/search/search.html">站内搜索</a></span></div>'
        f'<div class="nav"><ul>{nav}</ul></div>'
        f'<div class="crumbs">当前位置：{crumb}</div>'
        f'<div class="wrap">{side_html}<div class="main">{body}</div></div>'
        f"{footer(chrome)}</body></html>"
    )
    return html.encode(chrome.charset, errors="xmlcharrefreplace")
