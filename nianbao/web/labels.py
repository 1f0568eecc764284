"""Chinese labels for column names, shown above the key in every table header.

One map for all tables (a column name means the same thing everywhere); the canonical keys
(applicants, figures named after rows) take their labels from ``parsers.schema``.
"""

from __future__ import annotations

from parsers import schema

_COMMON = {
    "id": "编号",
    "report_id": "年报",
    "url": "网址",
    "title": "标题",
    "agency": "机关",
    "year": "年度",
    "template": "格式",
    "published": "发布日期",
    "site": "网站",
    "name": "名称",
    "province": "省",
    "city": "市",
    "county": "县",
    "level": "层级",
    "index_no": "索引号",
    "publisher": "发布机构",
    "attachments": "附件",
    "source_url": "数据来源",
    "cells": "有数字的单元格",
    "text": "全文",
    "content_hash": "内容哈希",
    "first_seen": "首次发现",
    "last_checked": "最近检查",
    "last_changed": "最近修改",
    "item": "项目",
    "metric": "指标",
    "value": "数值",
    "raw": "原文",
    "unit": "单位",
    "row": "行",
    "row_label": "行名",
    "row_order": "原表顺序",
    "applicant": "申请人",
    "proceeding": "程序",
    "outcome": "结果",
    "rule": "规则",
    "severity": "级别",
    "message": "说明",
    "keys": "涉及单元格",
    "page_url": "页面",
    "key": "键",
    "label": "中文名称",
    "sort_order": "顺序",
    "notes": "备注",
    "applications_received": "本年新收申请",
    "carried_over": "上年结转",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
    "total_processed": "办理总计",
    "carried_forward": "结转下年",
    "review_total": "行政复议",
    "litigation_total": "行政诉讼",
    "active_nonzero": "主动公开非零格",
    "applications_nonzero": "申请表非零格",
    "review_nonzero": "复议诉讼非零格",
    "errors": "错误",
    "warnings": "警告",
    "reports": "年报数",
    "findings": "问题数",
    "context": "上下文",
    "percent": "占比 %",
    "applications": "申请 (件)",
    "classification": "判定",
    "status": "状态",
}


def column_labels() -> dict[str, str]:
    """Column name → Chinese label."""
    labels = dict(_COMMON)
    labels.update({k: v for k, v in schema.APPLICANTS.items() if k not in labels})
    for row in schema.ROW_GROUPS["withheld"]:
        labels[row] = schema.APPLICATION_ROWS[row].replace("(三)", "")
    labels["applicant"] = "申请人"
    return labels


COLUMN_LABELS = column_labels()
