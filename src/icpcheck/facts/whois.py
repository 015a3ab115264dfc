"""Domain facts from whois (port 43): registration and expiry dates, registrar, registrant.

Robust by design: per-query timeout, limited retries, a reply size limit, threads for many domains, and an
on-disk cache with a TTL. Every fault (refused, timeout, garbage, empty, rate limit, no match) becomes
`DomainFacts.error` with the reason; nothing here raises to the caller. The server can be pinned with
ICPCHECK_WHOIS_SERVER=host:port (tests use a loopback server).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

MAX_REPLY = 256 * 1024
CACHE_TTL = 24 * 3600
SERVERS = {
    "cn": "whois.cnnic.cn",
    "中国": "cwhois.cnnic.cn",
    "com": "whois.verisign-grs.com",
    "net": "whois.verisign-grs.com",
    "hk": "whois.hkirc.hk",
}
_REDACTED = re.compile(r"redacted|privacy|not disclosed|data protected|withheld", re.I)
_NO_MATCH = re.compile(
    r"^(no match|not found|no matching record|no data found|no entries found|domain not found)", re.I | re.M
)
_RATE = re.compile(r"(query rate|limit exceeded|too many (queries|requests)|rate limit)", re.I)
_REFERRAL = re.compile(r"^\s*(?:Registrar WHOIS Server|Whois Server):\s*(\S+)", re.I | re.M)


@dataclass(slots=True)
class DomainFacts:
    name: str
    registered: dt.date | None = None
    expires: dt.date | None = None
    registrar: str | None = None
    holder: str | None = None  # None when not published or redacted
    holder_redacted: bool = False
    error: str | None = None  # why the facts are missing
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("registered", "expires"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@cache
def _extractor() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list, never the network


def registrable_domain(name: str) -> str:
    """example.com.cn for www.shop.example.com.cn: the filing covers subdomains of the registrable domain."""
    parts = _extractor()(name.strip().rstrip(".").lower())
    return f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else name.lower()


def _server_for(domain: str) -> tuple[str, int]:
    pinned = os.environ.get("ICPCHECK_WHOIS_SERVER")
    if pinned:
        host, _, port = pinned.rpartition(":")
        return (host or pinned), int(port) if port.isdigit() else 43
    tld = domain.rsplit(".", 1)[-1]
    return SERVERS.get(tld, f"whois.nic.{tld}"), 43


def _query(host: str, port: int, domain: str, timeout: float) -> str:
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(domain.encode("idna") + b"\r\n")
        chunks, size = [], 0
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("reply too slow")
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_REPLY:
                raise ValueError(f"reply larger than {MAX_REPLY} bytes")
    raw = b"".join(chunks)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, list):
        value = min((v for v in value if isinstance(v, dt.datetime | dt.date)), default=None)
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def parse(domain: str, text: str) -> DomainFacts:
    """Facts from a whois reply (python-whois's parsers, CNNIC's Chinese fields included)."""
    from whois.parser import WhoisEntry

    facts = DomainFacts(domain)
    if not text.strip():
        facts.error = "empty reply from the whois server"
        return facts
    try:
        entry = WhoisEntry.load(domain, text)
    except Exception:  # python-whois raises its own types (e.g. for "no match" replies)
        entry = {}
    facts.registered = _date(entry.get("creation_date"))
    facts.expires = _date(entry.get("expiration_date"))
    registrar = entry.get("registrar")
    facts.registrar = (registrar[0] if isinstance(registrar, list) else registrar) or None
    holder = entry.get("registrant_name") or entry.get("registrant") or entry.get("org") or entry.get("name")
    holder = holder[0] if isinstance(holder, list) else holder
    if holder and _REDACTED.search(str(holder)):
        facts.holder_redacted = True
    elif holder:
        facts.holder = str(holder).strip()
    elif _REDACTED.search(text):
        facts.holder_redacted = True
    if facts.registered is None and facts.expires is None and facts.registrar is None:
        # Only a reply without domain data is read as a refusal: disclaimers mention rate limits too.
        if _NO_MATCH.search(text):
            facts.error = "not registered (the whois server has no match)"
        elif _RATE.search(text):
            facts.error = "the whois server refused: rate limit"
        else:
            facts.error = "no domain data in the whois reply (garbage or truncated?)"
    return facts


def _cache_dir() -> Path:
    base = os.environ.get("ICPCHECK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "icpcheck"
    )
    return Path(base) / "whois"


def _cache_path(domain: str) -> Path:
    return _cache_dir() / (hashlib.sha256(domain.encode()).hexdigest()[:32] + ".json")


def _from_cache(domain: str, ttl: float | None) -> DomainFacts | None:
    try:
        data = json.loads(_cache_path(domain).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if ttl is not None and time.time() - float(data.get("fetched_at", 0)) > ttl:
        return None
    facts = data["facts"]
    for key in ("registered", "expires"):
        facts[key] = dt.date.fromisoformat(facts[key]) if facts.get(key) else None
    facts["cached"] = True
    return DomainFacts(**facts)


def _to_cache(facts: DomainFacts) -> None:
    """Only the parsed domain facts are kept (no raw reply: no contact e-mails or phones)."""
    path = _cache_path(facts.name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {"fetched_at": time.time(), "facts": facts.to_dict() | {"cached": False}}, ensure_ascii=False
            ),
            encoding="utf-8",
        )
    except OSError:
        pass  # a read-only home must not break the check


def lookup(
    domain: str, *, timeout: float = 5.0, retries: int = 1, use_cache: bool = True, offline: bool = False
) -> DomainFacts:
    name = registrable_domain(domain)
    if use_cache or offline:
        cached = _from_cache(name, None if offline else CACHE_TTL)
        if cached is not None:
            return cached
    if offline:
        return DomainFacts(name, error="not in the whois cache (--offline)")
    host, port = _server_for(name)
    facts = DomainFacts(name, error="no reply")
    for attempt in range(retries + 1):
        try:
            text = _query(host, port, name, timeout)
            referral = _REFERRAL.search(text)
            if referral and "ICPCHECK_WHOIS_SERVER" not in os.environ and "Registrant" not in text:
                text = _query(referral.group(1), 43, name, timeout)  # thin registry → registrar's server
            facts = parse(name, text)
            break
        except ConnectionRefusedError:
            facts = DomainFacts(name, error=f"whois server {host}:{port} refused the connection")
            break
        except TimeoutError:
            facts = DomainFacts(name, error=f"whois server {host}:{port} timed out after {timeout:g} s")
        except (OSError, ValueError) as exc:
            facts = DomainFacts(name, error=f"whois query failed: {exc}")
        if attempt < retries:
            time.sleep(0.2 * (attempt + 1))
    if facts.error is None and use_cache:
        _to_cache(facts)
    return facts


def lookup_many(domains: list[str], *, workers: int = 16, **options: Any) -> list[DomainFacts]:
    """Concurrent lookups, results in input order."""
    if not domains:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(domains))) as pool:
        return list(pool.map(lambda d: lookup(d, **options), domains))


_CONFLICT = {
    "zh": (
        "档案与 WHOIS 不一致：{field} 档案为 {mine}，WHOIS 为 {theirs}",
        "核对后更正档案，或在注册商处更正域名信息",
    ),
    "en": (
        "Profile and whois disagree: {field} is {mine} in the profile, {theirs} in whois",
        "Check which is right and correct the profile or the registration",
    ),
}
_UNAVAILABLE = {
    "zh": ("无法从 WHOIS 获取 {name}：{reason}", "稍后重试，或在档案中手工填写域名信息"),
    "en": ("No whois facts for {name}: {reason}", "Retry later, or fill in the domain facts by hand"),
}


def enrich(profile: Any, facts: list[DomainFacts], lang: str = "zh") -> list[Any]:
    """Fill the profile's missing domain facts from whois; return findings for conflicts and failures."""
    from icpcheck.report.model import Finding, Severity, Status

    by_name = {f.name: f for f in facts}
    findings: list[Finding] = []
    for i, domain in enumerate(profile.domains or []):
        fact = by_name.get(registrable_domain(domain.name))
        if fact is None:
            continue
        if fact.error:
            message, fix = _UNAVAILABLE[lang]
            findings.append(
                Finding(
                    "domain.whois",
                    Status.UNKNOWN,
                    Severity.INFO,
                    message.format(name=fact.name, reason=fact.error),
                    fix,
                    "whois",
                    field=f"domains[{i}]",
                    title="whois",
                )
            )
            continue
        for attr in ("registered", "expires", "registrar", "holder"):
            mine, theirs = getattr(domain, attr), getattr(fact, attr)
            if theirs is None:
                continue
            if mine is None:
                setattr(domain, attr, theirs)  # pydantic records the field as set: rules now see it
            elif str(mine).strip().lower() != str(theirs).strip().lower():
                message, fix = _CONFLICT[lang]
                findings.append(
                    Finding(
                        "domain.whois_conflict",
                        Status.FAIL,
                        Severity.WARNING,
                        message.format(field=f"domains[{i}].{attr}", mine=mine, theirs=theirs),
                        fix,
                        "whois (seed 004: 以从域名注册服务机构中查询的结果为准)",
                        field=f"domains[{i}].{attr}",
                        expected=str(theirs),
                        actual=str(mine),
                        title="whois conflict",
                    )
                )
    return findings
