"""The fixed words of every report in zh and en, and values said in words.

One table, so that a zh report is Chinese throughout and an en report English throughout: renderers look
their labels up here instead of writing English inline, and never print a Python value (`None`, `True`, `[]`,
a dict) as such. It imports nothing of icpcheck, so any layer can use it.
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
