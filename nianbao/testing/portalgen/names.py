"""Invented place and body names, and the ways portals phrase report and look-alike titles."""

from __future__ import annotations

import random

_FIRST = "青云白石清河安平永宁临川长乐丰泽桃源柳溪凤鸣龙泉松阳金沙玉湖东岚西屏南浦北岗"
_TOWN_SUFFIX = ("镇", "镇", "乡", "街道")
DEPARTMENTS = (
    ("发展和改革局", "fgj"), ("教育局", "jyj"), ("财政局", "czj"), ("民政局", "mzj"),
    ("卫生健康局", "wjj"), ("自然资源局", "zrzyj"), ("住房和城乡建设局", "zjj"),
    ("交通运输局", "jtj"), ("农业农村局", "nyncj"), ("市场监督管理局", "scjgj"),
    ("人力资源和社会保障局", "rsj"), ("生态环境分局", "sthjj"),
)  # fmt: skip
PROVINCES = (
    ("安徽省", "宿州市"), ("江苏省", "淮安市"), ("浙江省", "丽水市"), ("广东省", "梅州市"),
    ("湖南省", "常德市"), ("四川省", "南充市"), ("河南省", "周口市"), ("江西省", "赣州市"),
)  # fmt: skip
CN_DIGITS = "〇一二三四五六七八九"


def two_chars(rng: random.Random) -> str:
    i, j = rng.sample(range(len(_FIRST)), 2)
    return _FIRST[i] + _FIRST[j]


def county_name(rng: random.Random) -> str:
    return two_chars(rng) + rng.choice(("县", "县", "县", "区", "市"))


def town_names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = two_chars(rng) + rng.choice(_TOWN_SUFFIX)
        if name not in names:
            names.append(name)
    return names


def cn_year(year: int) -> str:
    """2023 → 二〇二三."""
    return "".join(CN_DIGITS[int(d)] for d in str(year))


TITLE_STYLES = ("plain", "niandu", "cn_year", "year_first", "guanyu", "suffix_year", "nianbao")


def report_title(style: str, agency: str, year: int) -> str:
    """A report title in one of the phrasings real portals use."""
    return {
        "plain": f"{agency}{year}年政府信息公开工作年度报告",
        "niandu": f"{agency}{year}年度政府信息公开工作年度报告",
        "cn_year": f"{agency}{cn_year(year)}年度政府信息公开工作年度报告",
        "year_first": f"{year}年度{agency}政府信息公开工作年度报告",
        "guanyu": f"{agency}关于{year}年度政府信息公开工作情况的报告",
        "suffix_year": f"{agency}政府信息公开工作{year}年度报告",
        "nianbao": f"{year}年{agency}政府信息公开年报",
    }[style]


def link_text(style: str, title: str, agency: str) -> str:
    """How a list shows a report's title: in full, without the year, or cut short."""
    if style == "no_year":
        return f"{agency}政府信息公开工作年度报告"
    if style == "cut" and len(title) > 18:
        return title[:16] + "…"
    return title


# Look-alikes: kind → (title template, path stem). {a} agency, {y} a year.
DISTRACTORS = {
    "gzbg": ("{a}{y}年政府工作报告", "zfgzbg"),
    "yaodian": ("{a}{y}年政务公开工作要点", "gkyd"),
    "fzzf": ("{a}{y}年法治政府建设年度报告", "fzzf"),
    "zhinan": ("{a}政府信息公开指南", "gkzn"),
    "zhidu": ("{a}政府信息公开制度", "gkzd"),
    "juesuan": ("{a}{y}年度部门决算公开", "js"),
    "yusuan": ("{a}{y}年部门预算公开", "ys"),
    "jiedu": ("《{a}{y}年政府信息公开工作年度报告》解读", "jd"),
    "tujie": ("图解：{a}{y}年政府信息公开工作年度报告", "tj"),
    "tongzhi": ("关于做好{y}年政府信息公开工作年度报告编制和发布工作的通知", "tz"),
    "news": ("{a}召开{y}年度政务公开工作推进会", "xw"),
    "news_nb": ("{a}部署{y}年政府信息公开工作年度报告编制工作", "xwnb"),
}
