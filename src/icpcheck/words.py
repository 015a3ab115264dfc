"""The fixed words of every report in zh and en, and values said in words.

One table, so that a zh report is Chinese throughout and an en report English throughout: renderers look
their labels up here instead of writing English inline, and never print a Python value (`None`, `True`, `[]`,
a dict) as such. It imports nothing of icpcheck, so any layer can use it.

Every output takes its fixed words from LABELS, none keeps a table of its own (tests/test_word_table.py):
words shared by several reports have plain keys; words of one report carry its prefix (`m_` materials
checklists, `ob_` obligations, `html_` and `gap_` the client's HTML report, `cov_` the fidelity ledger, `pv_`
`icpcheck provinces`, `src_` `icpcheck sources`; `section` gives one output's words without its prefix).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "filing": "ICP 备案",
        "licence": "ICP 经营许可证",
        "site": "网站首页",
        "eligible": "符合条件",
        "not_eligible": "不符合条件",
        "incomplete": "信息不完整",
        "eligible_from": "{date} 起符合条件（其他情况不变时）",
        "fix": "整改",
        "when": "日期",
        "source": "依据",
        "note": "说明",
        "as_of": "评估日期",
        "summary": "通过 {pass} · 未通过 {fail} · 未知 {unknown} · 不适用 {skip}",
        "province": "省份",
        "summary_title": "汇总",
        "profile": "档案",
        "error": "读取失败",
        "rule": "规则",
        "field": "字段",
        "requirement": "要求",
        "expected": "要求",
        "actual": "实际",
        "unverified": "未经核实",
        # severities and statuses
        "sev_error": "错误",
        "sev_warning": "警告",
        "sev_info": "提示",
        "st_pass": "通过",
        "st_fail": "未通过",
        "st_unknown": "未知",
        "st_skip": "不适用",
        "st_waived": "已豁免",
        # classify
        "needed": "需要",
        "not_needed": "不需要",
        "undecided": "待确认",
        # timeline
        "tl_head": "{type} · {province} · 开始 {start}",
        "tl_notation": "每步：开始日期 → 最早完成日期 … 最晚完成日期（所需时间）",
        "tl_done": "最晚于 {date} 完成",
        "tl_weekends": (
            "{years} 年的放假安排尚未公布：按周末和《全国年节及纪念日放假办法》规定的节日计算，未计调休"
        ),
        "tl_from_profile": "省份与类型取自档案 {path}",
        # rules list / show
        "type": "类型",
        "severity": "严重程度",
        "remediation": "整改",
        "defined_in": "定义位置",
        "about": "说明",
        "switch": "{where}（参数 {switch} 为“是”的省份）",
        "provinces": "适用省份",
        "parameters": "参数（{where}）",
        "national": "全国",
        "applies_when": "适用条件",
        "check": "检查条件",
        "produced_by": "由流水线的 `{stage}` 环节产生（无条件）",
        "settles": (
            "决定结论: 本规则未通过时，{type}的结论只看这一项，其他{type}规则不再列出；"
            "本规则被豁免时不起此作用"
        ),
        "t_filing": "备案",
        "t_licence": "许可证",
        "t_waiver": "豁免",
        "t_domain": "域名",
        "t_site": "首页",
        "t_profile": "档案",
        # company.entity_type
        "ent_company": "公司",
        "ent_individual_business": "个体工商户",
        "ent_public_institution": "事业单位",
        "ent_government": "政府机关",
        "ent_social_organization": "社会团体",
        "ent_individual": "个人",
        "ent_military": "军队",
        # domain
        "dom_head": "{name}  注册 {registered} · 到期 {expires} · 注册商 {registrar} · 持有者 {holder}",
        "dom_redacted": "已隐藏",
        "dom_cached": "（缓存）",
        # shared by several reports
        "company": "主体",
        "status": "状态",
        "sources": "依据",
        # which types a report checked, and why (report.writers.type_lines)
        "checked": "已检查",
        "not_checked": "未检查",
        "types_checked": "检查的类型",
        # materials checklists (report.checklist; the HTML report's materials table)
        "m_filing": "ICP 备案材料清单",
        "m_licence": "ICP 经营许可证材料清单",
        "m_entity": "主体",
        "m_national": "全国通用",
        "m_required": "必备",
        "m_conditional": "视情况",
        "m_item": "材料",
        "m_why": "原因",
        "m_notes": "要求",
        "m_owner": "负责人",
        "m_general": "所有材料",
        "m_statuses": "待准备,准备中,已齐备,不适用",
        # obligations (report.obligations)
        "ob_title": "到期事项",
        "ob_within": "提醒窗口",
        "ob_due": "到期日",
        "ob_days": "剩余天数",
        "ob_obligation": "事项",
        "ob_unverified": "条款未核实",
        "ob_provide": "日期未知：请在档案中填写 {field}",
        "ob_window": "窗口 {start} 起",
        "ob_none": "没有到期事项。",
        "ob_errors": "读取失败",
        "ob_overdue": "已逾期",
        "ob_due_soon": "即将到期",
        "ob_upcoming": "未到期",
        "ob_undated": "日期未知",
        "ob_summary": "已逾期 {overdue} · 即将到期 {due_soon} · 未到期 {upcoming} · 日期未知 {undated}",
        # the HTML report for a client (report.html); a gap's status in its words
        "html_title": "ICP 备案与经营许可证评估报告",
        "html_verdicts": "结论",
        "html_gaps": "差距与整改",
        "html_no_gaps": "未发现差距。",
        "html_next": "下一步",
        "html_materials": "材料清单",
        "html_timeline": "时间安排",
        "html_timeline_note": "深色：最早完成；浅色：最晚完成。",
        "html_earliest": "最早可满足",
        "html_deadlines": "需留意的日期",
        "html_to_do": "☐",
        "gap_fail": "未通过",
        "gap_unknown": "待补充",
        "gap_waived": "已豁免",
        # the fidelity ledger (report.coverage)
        "cov_seed": "种子",
        "cov_statements": "条陈述",
        "cov_total": "合计",
        "cov_counts": "统计",
        "cov_resolution": "分歧处理",
        "cov_encoded": "已编码",
        "cov_info_only": "仅供参考",
        "cov_not_checkable": "无法检查",
        "cov_superseded": "已被取代",
        "cov_pending": "待编码",
        # icpcheck provinces (cli.provinces)
        "pv_filing": "备案",
        "pv_licence": "许可证",
        "pv_count": "{n} 个省级地区，评估日期 {day}（单个省份详情：icpcheck provinces 省份）",
        "pv_legend": "[未核实]：没有来源明确说明，原因见各行或单个省份详情",
        "pv_unverified": "未核实",
        "pv_source": "来源",
        "pv_since": "自",
        "pv_consulted": "查阅于",
        "pv_review": "备案审核 ≤ {filing} 个工作日（通常 {typical}）；许可证审批 ≤ {licence} {unit}",
        "pv_working": "个工作日",
        "pv_calendar": "日",
        "pv_days": "天",
        "pv_none": "未找到本地要求",
        "pv_as_of": "评估日期",
        "pv_authority": "管局",
        "pv_phones": "电话",
        "pv_review_head": "审核时限",
        "pv_current_head": "现行本地要求",
        "pv_history_head": "历史（已被上述资料取代）",
        "pv_params_head": "规则使用的参数（本省或有争议）",
        "pv_national": "全国",
        "pv_disagreement": "分歧",
        "pv_decision": "决定",
        "pv_per": "据",
        "pv_entries": "{n} 项",
        # icpcheck sources (cli.sources); kind_*: a source's kind
        "src_kind": "类型",
        "src_publisher": "发布者",
        "src_date": "日期",
        "src_url": "地址",
        "src_stated_title": "原标题",
        "src_seed": "种子",
        "src_file": "文件",
        "src_notes": "说明",
        "src_cited": "引用为",
        "src_kind_statute": "法规",
        "src_kind_authority": "主管部门文件",
        "src_kind_provider_documentation": "服务商文档",
        "src_kind_agency_guide": "代理机构指南",
        "src_kind_standard": "标准",
        "src_kind_repository": "代码仓库",
    },
    "en": {
        "filing": "ICP filing",
        "licence": "ICP licence",
        "site": "homepage",
        "eligible": "eligible",
        "not_eligible": "not eligible",
        "incomplete": "incomplete",
        "eligible_from": "eligible from {date} if nothing else changes",
        "fix": "fix",
        "when": "when",
        "source": "source",
        "note": "note",
        "as_of": "as of",
        "summary": "pass {pass} · fail {fail} · unknown {unknown} · n/a {skip}",
        "province": "province",
        "summary_title": "Summary",
        "profile": "profile",
        "error": "input error",
        "rule": "rule",
        "field": "field",
        "requirement": "requirement",
        "expected": "expected",
        "actual": "actual",
        "unverified": "unverified",
        "sev_error": "error",
        "sev_warning": "warning",
        "sev_info": "info",
        "st_pass": "pass",
        "st_fail": "fail",
        "st_unknown": "unknown",
        "st_skip": "n/a",
        "st_waived": "waived",
        "needed": "needed",
        "not_needed": "not needed",
        "undecided": "undecided",
        "tl_head": "{type} · {province} · start {start}",
        "tl_notation": "Each step: start → earliest end … latest end (duration)",
        "tl_done": "done by {date} at the latest",
        "tl_weekends": (
            "no official holiday schedule known for {years}: counted weekends and the statutory holidays "
            "(全国年节及纪念日放假办法) only, without make-up working days"
        ),
        "tl_from_profile": "province and type from the profile {path}",
        "type": "type",
        "severity": "severity",
        "remediation": "remediation",
        "defined_in": "defined in",
        "about": "about",
        "switch": "{where} (where {switch} is true)",
        "provinces": "provinces",
        "parameters": "parameters ({where})",
        "national": "national",
        "applies_when": "applies when",
        "check": "check",
        "produced_by": "produced by the `{stage}` stage of the pipeline (no condition)",
        "settles": (
            "settles: when this rule fails, its finding alone answers for the {type} and no other "
            "{type} rule is listed; a waiver of it settles nothing"
        ),
        "t_filing": "filing",
        "t_licence": "licence",
        "t_waiver": "waiver",
        "t_domain": "domain",
        "t_site": "site",
        "t_profile": "profile",
        "ent_company": "company",
        "ent_individual_business": "individual business",
        "ent_public_institution": "public institution",
        "ent_government": "government body",
        "ent_social_organization": "social organisation",
        "ent_individual": "individual",
        "ent_military": "military",
        "dom_head": (
            "{name}  registered {registered} · expires {expires} · registrar {registrar} · holder {holder}"
        ),
        "dom_redacted": "REDACTED",
        "dom_cached": " (cached)",
        "company": "company",
        "status": "status",
        "sources": "Sources",
        "checked": "checked",
        "not_checked": "not checked",
        "types_checked": "types checked",
        "m_filing": "ICP filing materials",
        "m_licence": "ICP licence materials",
        "m_entity": "entity",
        "m_national": "national",
        "m_required": "required",
        "m_conditional": "if applicable",
        "m_item": "item",
        "m_why": "why",
        "m_notes": "notes",
        "m_owner": "owner",
        "m_general": "every document",
        "m_statuses": "to do,in progress,ready,n/a",
        "ob_title": "Obligations",
        "ob_within": "reminder window",
        "ob_due": "due",
        "ob_days": "days left",
        "ob_obligation": "obligation",
        "ob_unverified": "article unverified",
        "ob_provide": "date unknown: provide {field} in the profile",
        "ob_window": "window opens {start}",
        "ob_none": "Nothing falls due.",
        "ob_errors": "input errors",
        "ob_overdue": "overdue",
        "ob_due_soon": "due soon",
        "ob_upcoming": "upcoming",
        "ob_undated": "undated",
        "ob_summary": "overdue {overdue} · due soon {due_soon} · upcoming {upcoming} · undated {undated}",
        "html_title": "ICP filing and licence assessment",
        "html_verdicts": "Verdict",
        "html_gaps": "Gaps and what to do next",
        "html_no_gaps": "No gaps found.",
        "html_next": "next step",
        "html_materials": "Materials",
        "html_timeline": "Timeline",
        "html_timeline_note": "Dark: earliest completion; light: latest completion.",
        "html_earliest": "earliest date",
        "html_deadlines": "Dates to keep",
        "html_to_do": "☐",
        "gap_fail": "not met",
        "gap_unknown": "missing data",
        "gap_waived": "waived",
        "cov_seed": "seed",
        "cov_statements": "statements",
        "cov_total": "total",
        "cov_counts": "counts",
        "cov_resolution": "resolution",
        "cov_encoded": "encoded",
        "cov_info_only": "info only",
        "cov_not_checkable": "not checkable",
        "cov_superseded": "superseded",
        "cov_pending": "pending",
        "pv_filing": "filing",
        "pv_licence": "licence",
        "pv_count": "{n} provinces, as of {day} (one in full: icpcheck provinces PROVINCE)",
        "pv_legend": (
            "[unverified]: no source states it; the reason is on the line or in the province in full"
        ),
        "pv_unverified": "unverified",
        "pv_source": "source",
        "pv_since": "since",
        "pv_consulted": "consulted",
        "pv_review": (
            "filing review ≤ {filing} working days (typical: {typical}); licence decision ≤ {licence} {unit}"
        ),
        "pv_working": "working days",
        "pv_calendar": "days",
        "pv_days": "days",
        "pv_none": "no local requirements found",
        "pv_as_of": "as of",
        "pv_authority": "authority",
        "pv_phones": "phones",
        "pv_review_head": "review times",
        "pv_current_head": "local requirements in force",
        "pv_history_head": "history (superseded by the references above)",
        "pv_params_head": "parameters the rules use (this province, or disputed)",
        "pv_national": "national",
        "pv_disagreement": "disagreement",
        "pv_decision": "decision",
        "pv_per": "per",
        "pv_entries": "{n} entries",
        "src_kind": "kind",
        "src_publisher": "publisher",
        "src_date": "date",
        "src_url": "address",
        "src_stated_title": "own title",
        "src_seed": "seed",
        "src_file": "file",
        "src_notes": "notes",
        "src_cited": "cited as",
        "src_kind_statute": "statute",
        "src_kind_authority": "authority",
        "src_kind_provider_documentation": "provider documentation",
        "src_kind_agency_guide": "agency guide",
        "src_kind_standard": "standard",
        "src_kind_repository": "repository",
    },
}

# unit: zh, en singular, en plural
_UNITS = {
    "day": ("天", "day", "days"),
    "working_day": ("个工作日", "working day", "working days"),
    "month": ("个月", "month", "months"),
    "person": ("人", "person", "people"),
}

# words the evaluation engine puts in a finding's `expected` (icpcheck.engine.conditions)
_TOKENS = {
    "present": ("已填写", "given"),
    "at least one": ("至少一项", "at least one"),
    "one entry per person": ("每人一项", "one entry per person"),
}
# keys of the structured `expected` values
_KEYS = {
    "min_insured": ("每月最少参保人数", "minimum insured each month"),
    "months": ("连续月数", "consecutive months"),
}
_NONE = {"zh": "未填写", "en": "not given"}
_EMPTY = {"zh": "无", "en": "none"}
_BOOL = {"zh": ("否", "是"), "en": ("no", "yes")}
_SEP = {"zh": "、", "en": ", "}
_PAIR_SEP = {"zh": "；", "en": "; "}
_COLON = {"zh": "：", "en": ": "}


def words(lang: str) -> dict[str, str]:
    return LABELS[lang]


def section(prefix: str, lang: str) -> dict[str, str]:
    """The words of one output by the prefix of their keys, without it: section("pv", "en")["count"]."""
    start = prefix + "_"
    return {key.removeprefix(start): text for key, text in LABELS[lang].items() if key.startswith(start)}


def count(n: int, unit: str, lang: str, high: int | None = None) -> str:
    """`1 day`, `3 days`, `1–3 working days`, `3 个月`: the English plural follows the (upper) number."""
    zh, one, many = _UNITS[unit]
    top = n if high is None else high
    number = f"{n}" if high is None or high == n else f"{n}–{high}"
    if lang == "zh":
        return f"{number} {zh}"
    return f"{number} {one if top == 1 else many}"


def say(value: Any, lang: str, *, choice: bool = False) -> str:
    """A value in words: never `None`, `True`, `[]` or a dict's repr. `choice`: a list is a set of
    alternatives (an expected value), said as "one of …"."""
    if value is None:
        return _NONE[lang]
    if isinstance(value, bool):
        return _BOOL[lang][value]
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        token = _TOKENS.get(value)
        return (token[0] if lang == "zh" else token[1]) if token else value
    if isinstance(value, dict):
        if not value:
            return _EMPTY[lang]
        pairs = [f"{_key(k, lang)}{_COLON[lang]}{say(v, lang)}" for k, v in value.items()]
        return _PAIR_SEP[lang].join(pairs)
    if isinstance(value, (list, tuple, set)):
        items = [say(v, lang) for v in value]
        if not items:
            return _EMPTY[lang]
        joined = _SEP[lang].join(items)
        if choice and len(items) > 1:
            return f"{joined} 之一" if lang == "zh" else f"one of {joined}"
        return joined
    return str(value)


def _key(key: Any, lang: str) -> str:
    known = _KEYS.get(str(key))
    return (known[0] if lang == "zh" else known[1]) if known else say(key, lang)


# How actual must stand to expected (Finding.relation), said before the expected value; dates read as
# earlier/later. eq and in need no word.
_RELATION = {
    "zh": {"gt": "大于", "ge": "至少", "lt": "小于", "le": "至多", "ne": "不是", "not_in": "不是"},
    "en": {
        "gt": "more than",
        "ge": "at least",
        "lt": "less than",
        "le": "at most",
        "ne": "not",
        "not_in": "not",
    },
}
_DATE_RELATION = {
    "zh": {"gt": "晚于", "ge": "不早于", "lt": "早于", "le": "不晚于"},
    "en": {"gt": "after", "ge": "on or after", "lt": "before", "le": "on or before"},
}


def detail(field: str | None, expected: Any, actual: Any, lang: str, relation: str | None = None) -> str:
    """`field: expected X, actual Y` in words (`expected at least X` where the rule compares by order or
    negation); an absent expectation is left out rather than said."""
    if not field:
        return ""
    if expected is None and actual is None:
        return field
    w = LABELS[lang]
    words = (_DATE_RELATION if isinstance(expected, dt.date) else _RELATION)[lang]
    how = words.get(relation or "") or _RELATION[lang].get(relation or "")
    wanted = say(expected, lang, choice=True)
    parts = [] if expected is None else [f"{w['expected']} {f'{how} {wanted}' if how else wanted}"]
    parts.append(f"{w['actual']} {say(actual, lang)}")
    return f"{field}{_COLON[lang]}" + ("，" if lang == "zh" else ", ").join(parts)


def entity(value: str, lang: str) -> str:
    """An entity type (company.entity_type) in words; an unknown one as it is."""
    return LABELS[lang].get(f"ent_{value}", value)


def severity(value: str, lang: str) -> str:
    return LABELS[lang][f"sev_{value}"]


def status(value: str, lang: str) -> str:
    return LABELS[lang][f"st_{value}"]


# why whois gave no facts (icpcheck.facts.whois keeps the English reason for JSON): the zh wording
_WHOIS_REASONS = [
    (r"empty reply from the whois server", "WHOIS 服务器回复为空"),
    (r"not registered \(the whois server has no match\)", "未注册（WHOIS 服务器无匹配记录）"),
    (r"the whois server refused: rate limit", "WHOIS 服务器拒绝查询：查询过于频繁"),
    (
        r"no domain data in the whois reply \(garbage or truncated\?\)",
        "WHOIS 回复中没有域名信息（内容无效或不完整）",
    ),
    (r"not in the whois cache \(--offline\)", "WHOIS 缓存中没有该域名（--offline）"),
    (r"no reply", "WHOIS 服务器无回复"),
    (r"whois server (\S+) refused the connection", r"WHOIS 服务器 \1 拒绝连接"),
    (r"whois server (\S+) timed out after (\S+) s", r"WHOIS 服务器 \1 在 \2 秒后超时"),
    (r"whois query failed: (.*)", r"WHOIS 查询失败：\1"),
    (r"unusable whois value: (.*)", r"WHOIS 信息无法使用：\1"),
]


def whois_reason(reason: str, lang: str) -> str:
    """Why whois gave nothing, in the report's language (an unknown reason as it is)."""
    import re

    if lang == "zh":
        for pattern, zh in _WHOIS_REASONS:
            if re.fullmatch(pattern, reason, re.S):
                return re.sub(pattern, zh, reason, count=1, flags=re.S)
    return reason
