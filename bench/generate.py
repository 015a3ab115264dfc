"""Generate realistic random variations of the bundled examples (reproducible with --seed).

Run: python bench/generate.py DIR [--count N] [--seed S]
"""

from __future__ import annotations

import argparse
import copy
import random
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PROVINCES = ["beijing", "shanghai", "guangdong", "zhejiang", "jiangsu", "sichuan"]


def variant(base: dict[str, Any], rng: random.Random, index: int) -> dict[str, Any]:
    data = copy.deepcopy(base)
    company = data["company"]
    company["name"] = f"{company['name']}{index}"
    if rng.random() < 0.5:
        company["province"] = rng.choice(PROVINCES)
    if "registered_capital_cny" in company:
        company["registered_capital_cny"] = rng.choice([300_000, 1_000_000, 2_000_000, 5_000_000])
        company["paid_in_capital_cny"] = rng.choice(
            [0, 300_000, 1_000_000, company["registered_capital_cny"]]
        )
    for holder in company.get("shareholders") or []:
        if holder["kind"] == "natural_person":
            holder["nationality"] = rng.choice(["CN"] * 9 + ["US"])
    for month in data.get("social_insurance") or []:
        month["insured"] = rng.randint(0, 12)
    for domain in data.get("domains") or []:
        domain["holder"] = company["name"] if rng.random() < 0.9 else "别人"
        if "registered" in domain:
            domain["registered"] = f"20{rng.randint(15, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    service = data.get("service") or {}
    if "b25_subtypes" in service:
        service["b25_subtypes"] = rng.sample(
            ["info_publishing", "search", "community", "instant_messaging"], rng.randint(0, 2)
        )
    if "content" in service:
        service["content"] = rng.sample(["education", "finance", "news", "games"], rng.randint(0, 1))
    if rng.random() < 0.3 and "homepage" in service:
        service["homepage"]["shows_phone"] = False
    return data


def generate(folder: Path, count: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    bases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXAMPLES]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"client{i:05}.yaml"
        data = variant(bases[i % len(bases)], rng, i)
        # Dates stay dates (not strings) so the generated files are ordinary profiles.
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.folder, args.count, args.seed)


if __name__ == "__main__":
    main()
