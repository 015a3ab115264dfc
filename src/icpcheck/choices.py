"""The values a setting can take, each defined once: the CLI's choices (typer reads these Literals), the
configuration model (icpcheck.config.Settings), the profile model and the library all use these types.

This module imports nothing (the finding model's FailOn is the other choice type), so `icpcheck --help`,
which builds every command's choices, stays light.
"""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["zh", "en"]

# What to check or plan: the filing (备案) or the licence (经营许可证); eligibility also checks both.
Kind = Literal["filing", "licence"]
CheckType = Literal["auto", Kind, "all"]  # auto: per profile, what classify says the service needs
# What a rule is about (the catalogue's `type:`); profile: findings about the profile file itself (drafts)
RuleType = Literal[Kind, "waiver", "domain", "site", "profile"]

EntityType = Literal[
    "company",
    "individual_business",
    "public_institution",
    "government",
    "social_organization",
    "individual",
    "military",  # 军队 (seed 003: 主办单位性质 … 政府机关,或者军队)
]

# Output formats. Each command offers those it can write; a name means the same output everywhere.
SimpleFormat = Literal["text", "json"]  # classify, timeline, domain, sources
ListFormat = Literal[SimpleFormat, "markdown"]  # rules list, rules coverage
ObligationFormat = Literal[ListFormat, "ics"]
MaterialsFormat = Literal[ListFormat, "csv", "xlsx"]
ReportFormat = Literal[ListFormat, "sarif", "junit", "github", "html"]  # eligibility, site (report.writers)
TableFormat = Literal[SimpleFormat, "table"]  # provinces; table: the former name of its text output
Format = Literal[ReportFormat, ObligationFormat, MaterialsFormat, TableFormat]  # any command's

# A rule ID pattern (--skip, --only, a waiver's rule): rule IDs are under 60 characters; a huge glob would
# cost seconds and memory to match.
MAX_PATTERN = 200


def default_lang() -> Lang:
    """English when the locale says so (LC_ALL / LC_MESSAGES / LANG = en_*), Chinese otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"
