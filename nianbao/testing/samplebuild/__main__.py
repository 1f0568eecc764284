"""``python -m nianbao.testing.samplebuild``: write every mock portal, then their PDF files."""

from __future__ import annotations

from pathlib import Path

from nianbao.testing.samplebuild import gkmlpt, hanweb, pagelist, townships, trs
from nianbao.testing.samplebuild.common import ROOT, Report, report_pdfs

FAMILIES = (trs, pagelist, townships, gkmlpt, hanweb)


def main() -> None:
    pdfs: dict[Path, Report] = {}
    for family in FAMILIES:
        portal = getattr(family, f"build_{family.__name__.rsplit('.', 1)[-1]}")()
        portal.write()
        pdfs.update({ROOT / portal.key / "www" / p.lstrip("/"): r for p, r in portal.pdfs.items()})
        print(f"{portal.key}: {len(portal.files)} files, {len(portal.reports)} reports")
    report_pdfs(pdfs)


if __name__ == "__main__":
    main()
