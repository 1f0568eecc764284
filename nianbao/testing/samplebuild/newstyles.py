"""Write the new-style mock portals with the seeded generator, fixed seeds and choices.

    python -m nianbao.testing.samplebuild.newstyles

Each is written by ``nianbao.testing.portalgen`` into ``samples/portals/<site>/`` (``www/``,
``lists/``, ``site.json``, ``expected.json``);
``nianbao.testing.portalserver.NEW_STYLE_SITES`` serves them. Re-running writes the same bytes.
"""

from __future__ import annotations

import shutil

from nianbao.resources import portals_dir
from nianbao.testing.portalgen import generate

HERE = portals_dir()

# site → (seed, pinned choices)
NEW_STYLE_SITES: dict[str, tuple[int, dict]] = {
    # The county column 政府信息公开年报 (no year) is filled by an inline XMLHttpRequest to a
    # JSON list API; the department's column by $.ajax; footer badges on every page.
    "scriptlist": (105, dict(
        family="kaipu", deliveries=["api"] * 3, call="xhr", shape="kaipu",
        year_subcolumns=False, townships=0, departments=1, column_name="政府信息公开年报",
        browser_only=False, charset="utf-8", badges=True, zwgk_menu="page",
    )),
    # Hanweb: column pages with no prose, records in <script type="text/xml"><datastore>,
    # the rest through /module/web/jpage/dataproxy.jsp; footer pictures.
    "hanwebstore": (211, dict(
        family="hanweb", deliveries=["datastore", "datastore", "dataproxy"], page_size=2,
        year_subcolumns=False, townships=1, departments=1, column_name="政府信息公开年报",
        browser_only=False, charset="utf-8", badges=True, zwgk_menu="page",
    )),
    # The 政务公开 page is a bare <ul> menu: 政府工作报告 … 政府信息公开年报.
    "ulmenu": (307, dict(
        family="plain", deliveries=["static"] * 3, paging="query", zwgk_menu="ul",
        year_subcolumns=False, townships=0, departments=1, column_name="政府信息公开年报",
        browser_only=False, charset="gbk", declared="both", badges=True,
    )),
    # 乡镇街道 → one page per township → its 信息公开年报 column → reports (and 部门 alike).
    "towntree": (401, dict(
        family="trs", deliveries=["static"] * 8, paging="trs", townships=3, departments=2,
        body_years=2, year_subcolumns=False, column_name="政府信息公开工作年度报告",
        browser_only=False, charset="utf-8", badges=True, zwgk_menu="page",
    )),
}  # fmt: skip


def main() -> None:
    for key, (seed, fixed) in NEW_STYLE_SITES.items():
        portal = generate(seed, key=key, **fixed)
        target = HERE / key
        shutil.rmtree(target, ignore_errors=True)
        portal.write(target)
        manifest = portal.manifest
        print(f"{key:12s} seed {seed}: {len(manifest['reports'])} reports, "
              f"{len(manifest['distractors'])} look-alikes, {len(portal.files)} files")  # fmt: skip


if __name__ == "__main__":
    main()
