"""Write the mock county portals under ``samples/portals/<site>/`` (run once; output committed).

Five portals, one per CMS family: ``trs`` (GBK pages, createPageHTML pagination, year
sub-columns, department columns), ``pagelist`` (``?page=N`` lists, Jiangsu content/<uuid>.html,
an attachment-only report), ``townships`` (static per-year/per-township folders, township
sub-sites, Anhui 集约化 report URLs), ``gkmlpt`` (Guangdong JSON-fed lists) and ``hanweb``
(``/module/jpage/dataproxy.jsp`` XML). Each has chrome, robots.txt, look-alikes, a 404 link, a
redirect, a page that fails once, a deep generated news column and attachments. Report pages
are real reports in the format of their year (2021 format; 2019 format before 2021) with known
table values, listed in ``expected.json``. Some reports are as ugly as real county pages
(``ugly(report, ...)``: Word-exported HTML, split tables, tables as text, blanks, no 总计
column, misprinted totals, 见附件, the wrong format, a missing section, all zeros, GBK bytes
without a charset, scans): their manifest entries list the findings a parse must report.

    python -m nianbao.testing.samplebuild

``common`` holds what the portals share; one module per portal family builds its portal.
"""
