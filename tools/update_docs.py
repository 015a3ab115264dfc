"""Regenerate the generated sections of README.md from the rule data (run after changing rules/).

Each section sits between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`; tests fail when a
section is stale, so the catalogue in the README can never drift from the YAML.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _rules() -> str:
    from icpcheck.engine import load_ruleset
    from icpcheck.report.catalogue import catalogue_markdown

    ruleset = load_ruleset(ROOT / "rules")
    return catalogue_markdown(ruleset.rules, ruleset)


def _materials() -> str:
    from icpcheck.report.checklist import catalogue_markdown

    return catalogue_markdown()


SECTIONS: dict[str, Callable[[], str]] = {"rules": _rules, "materials": _materials}


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- /generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no generated:{name} section")
        body = make()
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main() -> int:
    current = README.read_text(encoding="utf-8")
    updated = render(current)
    if "--check" in sys.argv:
        if updated != current:
            print("README.md is stale: run python tools/update_docs.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
