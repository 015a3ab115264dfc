"""Pydantic models of the profile format (version 1, ../shared/profile-format.md).

Field names are a public contract. Everything but ``version`` and ``company.name`` is optional: a rule
whose data is missing reports ``unknown`` and names the field to provide.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from icpcheck.choices import MAX_PATTERN, EntityType


def _scalar_to_str(value: Any) -> Any:
    # ID numbers and mobiles are often written unquoted, so YAML reads them as integers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
        raise ValueError("placeholder from `icpcheck init` not filled in")
    return value


Text = Annotated[str, BeforeValidator(_scalar_to_str)]
Money = Annotated[int, Field(ge=0)]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]

B25Subtype = Literal["info_publishing", "search", "community", "instant_messaging", "info_protection"]
Role = Literal["principal", "tech_lead", "security_lead", "customer_service_lead", "contact", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


def _province(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("a province name (e.g. beijing, 北京, 京)")
    from icpcheck.errors import UsageError
    from icpcheck.provinces import resolve_province

    try:
        return resolve_province(value).key
    except UsageError as exc:
        raise ValueError(exc.message) from None


ProvinceKey = Annotated[str, BeforeValidator(_province)]


Region = Literal["mainland", "hong_kong", "macao", "taiwan", "overseas"]


class Shareholder(_Model):
    name: Text
    kind: Literal["natural_person", "legal_person"]
    nationality: Text | None = None  # ISO 3166 code for natural persons, CN for Chinese citizens
    foreign_investment: bool | None = None  # legal persons: is the shareholder company foreign-invested?
    registered_in: Region | None = None  # legal persons: where the shareholder company is registered
    share_percent: float | None = Field(default=None, ge=0, le=100)


class Company(_Model):
    name: Text = Field(min_length=1)
    uscc: Text | None = None
    entity_type: EntityType | None = None
    province: ProvinceKey | None = None
    address: Text | None = None
    established: dt.date | None = None
    licence_valid_until: dt.date | None = None  # null = long-term (长期)
    registered_capital_cny: Money | None = None
    paid_in_capital_cny: Money | None = None
    business_scope: Text | None = None
    shareholders: list[Shareholder] | None = None
    violations_last_3_years: bool | None = None
    ip_contribution: bool | None = None  # capital contributed as non-patented technology (seed 000 材料 5)
    has_branches_or_subsidiaries: bool | None = None  # seed 000 材料 9


class Person(_Model):
    name: Text | None = None
    id_type: Text | None = None
    id_number: Text | None = None
    mobile: Text | None = None
    email: Text | None = None
    office_phone: Text | None = None


class KeyStaff(Person):
    role: Role
    social_insured: bool | None = None
    degree: Text | None = None


class People(_Model):
    legal_representative: Person | None = None
    site_owner: Person | None = None
    key_staff: list[KeyStaff] | None = None


class InsuredMonth(_Model):
    month: Month
    insured: int = Field(ge=0)

    @field_validator("month", mode="before")
    @classmethod
    def _month_text(cls, value: Any) -> Any:
        # `2026-08` is a string in YAML, but `2026-08-01` would be a date: keep its month.
        if isinstance(value, dt.date):  # not strftime: it writes year 1 as "1", not "0001"
            return f"{value.year:04d}-{value.month:02d}"
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Domain(_Model):
    name: Text = Field(min_length=1)
    registered: dt.date | None = None
    expires: dt.date | None = None
    registrar: Text | None = None
    real_name_verified: bool | None = None
    holder: Text | None = None
    holder_id_type: Text | None = None  # the holder's real-name ID type (seed 004: 姓名、证件类型、证件号码)
    holder_id_number: Text | None = None  # e.g. the credit code of a company holder


class Hosting(_Model):
    provider: Text | None = None
    location: Region | None = None
    province: ProvinceKey | None = None
    provider_licences: list[Text] | None = None
    contract_signed: bool | None = None
    provider_filed_locally: bool | None = None  # the host filed with the local 通信管理局 (seeds 000, 003)


class Change(_Model):
    """The last change to filed facts (subject, site, hosting…): a change filing is due within 30 days."""

    date: dt.date | None = None
    what: list[Text] | None = None  # e.g. [hosting], [company_name, address], [site_name]
    filed: bool | None = None  # the change filing has been submitted


class Permit(_Model):
    """A permit held besides the filing/licence (news licence, industry pre-approval) and its term."""

    kind: Text = Field(min_length=1)  # internet_news, or a pre-approval category (education, medical, …)
    number: Text | None = None
    expires: dt.date | None = None


class Filings(_Model):
    icp_filing_number: Text | None = None
    icp_licence_number: Text | None = None
    icp_licence_holder: Text | None = None  # the company named on that licence (seed 000 FAQ 5, 7)
    public_security_filing_number: Text | None = None
    telecom_licences: list[Text] | None = None
    licence_issued: dt.date | None = None  # ICP licence issue date (annual reports start the next year)
    licence_expires: dt.date | None = None  # ICP licence expiry (renewal is due 90 days before)
    # year of the last January–March window in which the annual report was submitted (unknown: only the
    # next window is shown; known: a missed window is overdue)
    filing_annual_report_last: int | None = Field(default=None, ge=2000, le=2100)
    licence_annual_report_last: int | None = Field(default=None, ge=2000, le=2100)
    last_change: Change | None = None
    permits: list[Permit] | None = None


class Homepage(_Model):
    shows_filing_number: bool | None = None
    links_to_beian: bool | None = None
    shows_company_name: bool | None = None
    shows_address: bool | None = None
    shows_phone: bool | None = None
    business_columns_match: bool | None = None  # seed 000: business columns match the application
    paid_registration_works: bool | None = None  # seed 000: member / paid registration can be completed


class Service(_Model):
    kind: Literal["website", "app", "mini_program", "quick_app"] | None = None
    name: Text | None = None
    commercial: bool | None = None
    activities: list[Text] | None = None
    b25_subtypes: list[B25Subtype] | None = None
    # seed 001: a site's internal search, single-vertical or local search is not 信息搜索查询服务
    search_scope: Literal["general", "site_internal", "single_vertical", "local"] | None = None
    content: list[Text] | None = None
    pre_approvals: list[Text] | None = None  # includes internet_news (互联网新闻信息服务许可证)
    pre_approvals_valid_until: dict[str, dt.date] | None = None  # e.g. {internet_news: 2028-06-30}
    online_since: dt.date | None = None  # go-live date: the public-security filing is due 30 days later
    homepage: Homepage | None = None


class Waiver(_Model):
    rule: Text = Field(min_length=1, max_length=MAX_PATTERN)
    reason: Text = Field(min_length=1)
    expires: dt.date | None = None


class Profile(_Model):
    version: Literal[1]
    company: Company
    people: People | None = None
    social_insurance: list[InsuredMonth] | None = None
    domains: list[Domain] | None = None
    hosting: Hosting | None = None
    filings: Filings | None = None
    service: Service | None = None
    waivers: list[Waiver] | None = None
