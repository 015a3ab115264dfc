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
import math
import os
import re
import socket
import stat
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icpcheck.textsafe import printable

if TYPE_CHECKING:
    from icpcheck.engine import RuleSet
    from icpcheck.findings import Finding, Result
    from icpcheck.profile.model import Profile

MAX_REPLY = 256 * 1024
MAX_CACHE_FILE = 64 * 1024  # a cache entry is about 300 bytes; larger files are not ours
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
_PLACEHOLDER = re.compile(r"[-.?*/]*|n/?a|none|null|unknown|not (available|applicable)|无|暂无", re.I)
MAX_VALUE = 500  # longer whois values are cut: they are names, not documents
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


def _public_address(host: str) -> str | None:
    """The address to reach a referred whois server at: resolved once, None unless every address is public
    (a reply is attacker-written and must not make icpcheck connect into the local network)."""
    from icpcheck.facts.site import refused_address

    try:
        addresses = [str(info[4][0]) for info in socket.getaddrinfo(host, 43, type=socket.SOCK_STREAM)]
    except (OSError, UnicodeError):
        return None
    if not addresses or any(refused_address(a) for a in addresses):
        return None
    return addresses[0]


def _date(value: Any) -> dt.date | None:
    if isinstance(value, list):
        value = min((v for v in value if isinstance(v, dt.datetime | dt.date)), default=None)
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _value(value: Any) -> str | None:
    """A whois field as text, or None when the registry shows a placeholder (`<n/a>`, `-`, `none`…)."""
    value = value[0] if isinstance(value, list) and value else value
    if not isinstance(value, str):
        return None
    text = printable(" ".join(value.split())[:MAX_VALUE], one_line=True)  # no terminal escapes
    if not text or _PLACEHOLDER.fullmatch(text) or (text.startswith("<") and text.endswith(">")):
        return None
    return text


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
    facts.registrar = _value(entry.get("registrar"))
    holder = _value(
        entry.get("registrant_name") or entry.get("registrant") or entry.get("org") or entry.get("name")
    )
    if holder and _REDACTED.search(holder):
        facts.holder_redacted = True
    elif holder:
        facts.holder = holder
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


def _private_dir(path: Path) -> bool:
    """The cache folder exists, is a real folder (not a link), is ours and only ours (0700)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False
        if stat.S_IMODE(info.st_mode) != 0o700:
            os.chmod(path, 0o700)  # folders made by earlier versions were 0755
        return True
    except OSError:
        return False


_FACT_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "registered": (str, type(None)),
    "expires": (str, type(None)),
    "registrar": (str, type(None)),
    "holder": (str, type(None)),
    "holder_redacted": (bool,),
    "error": (str, type(None)),
    "cached": (bool,),
}


def _from_cache(domain: str, ttl: float | None) -> DomainFacts | None:
    """A cached entry, or None for a miss: a missing, linked, oversized or malformed file is a miss."""
    path = _cache_path(domain)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return None
            data = json.loads(file.read(MAX_CACHE_FILE + 1)[:MAX_CACHE_FILE])
        return _cached_facts(data, domain, ttl)
    except (OSError, ValueError, TypeError, RecursionError):
        return None


def _cached_facts(data: Any, domain: str, ttl: float | None) -> DomainFacts | None:
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        return None
    fetched, facts = data.get("fetched_at"), data["facts"]
    if not isinstance(fetched, int | float) or isinstance(fetched, bool) or not math.isfinite(fetched):
        return None
    if ttl is not None and (data.get("holder_withheld") or not 0 <= time.time() - fetched <= ttl):
        return None  # a withheld (personal) holder is looked up again when the network may be used
    if set(facts) != set(_FACT_TYPES) or facts["name"] != domain:
        return None
    if not all(isinstance(facts[k], types) for k, types in _FACT_TYPES.items()):
        return None
    for key in ("registered", "expires"):
        facts[key] = dt.date.fromisoformat(facts[key]) if facts[key] else None
    for key in ("registrar", "holder"):
        facts[key] = _value(facts[key])
    facts["cached"] = True
    return DomainFacts(**facts)


def _to_cache(facts: DomainFacts) -> None:
    """Only the parsed domain facts are kept (no raw reply: no contact e-mails or phones), and a holder that
    may be a natural person is not kept at all. Written to a new private file that replaces the old one,
    so a link placed at the cache path is replaced, never followed, and a reader never sees half a file."""
    from icpcheck.pii import looks_like_person

    path = _cache_path(facts.name)
    if not _private_dir(path.parent):
        return  # a read-only home or a tampered folder must not break the check
    withheld = facts.holder is not None and looks_like_person(facts.holder)
    stored = facts.to_dict() | {"cached": False} | ({"holder": None} if withheld else {})
    entry = {"fetched_at": time.time(), "holder_withheld": withheld, "facts": stored}
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")  # 0600, never a link
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(entry, file, ensure_ascii=False)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass


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
                address = _public_address(referral.group(1))
                if address:  # thin registry → the registrar's server, if the reply names a public one
                    text = _query(address, 43, name, timeout)
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


def enrich(profile: Any, facts: list[DomainFacts], ruleset: RuleSet, lang: str = "zh") -> list[Finding]:
    """Fill the profile's missing domain facts from whois (it changes `profile`: hand it a copy); return
    findings for conflicts and failures, their title, severity and source from the catalogue (domain.yaml)."""
    from icpcheck.engine.evaluate import produced
    from icpcheck.findings import Status
    from icpcheck.words import whois_reason

    by_name = {f.name: f for f in facts}
    findings: list[Finding] = []
    for i, domain in enumerate(profile.domains or []):
        fact = by_name.get(registrable_domain(domain.name))
        if fact is None:
            continue
        if fact.error:
            # A note, never a verdict: the facts the profile states stand, and the rules that need a fact
            # neither the profile nor whois gave are unknown on their own.
            message, fix = _UNAVAILABLE[lang]
            text = message.format(name=fact.name, reason=whois_reason(fact.error, lang))
            findings.append(
                produced(ruleset, "domain.whois", Status.SKIP, text, fix, lang, field=f"domains[{i}]")
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
                text = message.format(field=f"domains[{i}].{attr}", mine=mine, theirs=theirs)
                detail = {"field": f"domains[{i}].{attr}", "expected": str(theirs), "actual": str(mine)}
                findings.append(
                    produced(ruleset, "domain.whois_conflict", Status.FAIL, text, fix, lang, **detail)
                )
    return findings


def profile_of(fact: DomainFacts, holder: str | None) -> Profile:
    """`icpcheck domain`: the profile that one domain's whois facts and the --holder name make. Only the
    facts whois gave are set, so the rules see the others as missing (unknown); a value the profile format
    refuses is unknown too, with why in `fact.error`, never a crash."""
    from pydantic import ValidationError

    from icpcheck.profile.model import Profile

    facts = (fact.registered, fact.expires, fact.registrar, fact.holder)
    known = {k: v for k, v in zip(("registered", "expires", "registrar", "holder"), facts, strict=True) if v}
    company = {"name": holder or "?"}
    try:
        return Profile.model_validate(
            {"version": 1, "company": company, "domains": [{"name": fact.name, **known}]}
        )
    except ValidationError as exc:
        fact.error = f"unusable whois value: {exc.errors()[0]['msg']}"
        return Profile.model_validate({"version": 1, "company": company, "domains": [{"name": fact.name}]})


# There is no profile in `icpcheck domain`: an unknown comes from whois lacking a fact, or from a fact about
# the filing subject (shareholders, legal representative) that only a profile gives.
_NO_PROFILE = {
    "zh": {
        "whois": "WHOIS 未显示 {field}：请在注册商控制台核对",
        "subject": (
            "WHOIS 显示的持有者不是 --holder：仅当其为备案主体的股东或主要负责人时才可能被接受，"
            "请用 icpcheck eligibility 档案 --whois 核对"
        ),
    },
    "en": {
        "whois": "whois does not show {field}: check it in the registrar's console",
        "subject": (
            "whois shows a holder other than --holder: it can pass only as a shareholder or the principal "
            "of the filing subject; check with icpcheck eligibility PROFILE --whois"
        ),
    },
}


def without_profile(
    results: list[Result], ruleset: RuleSet, lang: str, holder: str | None, whois_holder: str | None
) -> None:
    """Each unknown of `icpcheck domain` worded for what a profile cannot fix, since there is none. The holder
    rules read facts about the subject (entity type, shareholders, legal representative); all that is known
    is the --holder name: the same name passes, another name stays unknown with what would decide it."""
    from icpcheck.findings import Status

    text = _NO_PROFILE[lang]
    for finding in (f for r in results for f in r.findings if f.status is Status.UNKNOWN):
        if not (finding.field or "").startswith("domains["):
            finding.field, finding.expected, finding.actual = "domains[0].holder", holder, whois_holder
            if whois_holder is not None and holder is not None:
                if _same_name(holder, whois_holder):
                    finding.status, finding.remediation = Status.PASS, ""
                else:
                    finding.remediation = text["subject"]
                continue
        rule = ruleset.rule(finding.rule)
        hint = rule.spec.unknown if rule else None
        finding.remediation = hint.get(lang) if hint else text["whois"].format(field=finding.field)


def _same_name(a: str, b: str) -> bool:
    """Names as registries write them: full-width brackets, spaces and case do not make another name."""
    import unicodedata

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return norm(a) == norm(b)
