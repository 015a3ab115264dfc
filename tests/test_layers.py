"""The import direction of the evaluation path: no module imports one from a layer above it.

The layers are drawn in src/icpcheck/pipeline.py and docs/architecture.md. Every import counts, the lazy ones
inside functions and the ones made for type checking only, because each is a dependency a reader must know.
A new module must be placed in a layer here, so the drawing cannot go stale.
"""

from __future__ import annotations

import ast

from conftest import ROOT

SRC = ROOT / "src"

LAYERS: dict[str, int] = {
    "icpcheck": 0,
    "icpcheck.findings": 0,
    "icpcheck.errors": 0,
    "icpcheck.textsafe": 0,
    "icpcheck.data": 0,
    "icpcheck.choices": 0,
    "icpcheck.words": 0,
    "icpcheck.yamlio": 1,
    "icpcheck.outfile": 1,
    "icpcheck.provinces": 2,
    "icpcheck.config": 2,
    "icpcheck.profile": 2,
    "icpcheck.engine": 3,
    "icpcheck.sources": 3,
    "icpcheck.facts": 4,
    "icpcheck.sitecheck": 4,
    "icpcheck.fontsize": 4,
    "icpcheck.pii": 4,
    "icpcheck.policy": 4,
    "icpcheck.materials": 4,
    "icpcheck.classify": 4,
    "icpcheck.timeline": 4,
    "icpcheck.obligations": 4,
    "icpcheck.ledger": 4,
    "icpcheck.report": 5,
    "icpcheck.pipeline": 6,
    "icpcheck.batch": 7,
    "icpcheck.cli": 8,
    "icpcheck.__main__": 8,
}


def _layer(module: str) -> int:
    """The layer of the longest listed prefix (icpcheck.engine.loader is in icpcheck.engine's)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in LAYERS and (n > 1 or len(parts) == 1):
            return LAYERS[name]
    raise AssertionError(f"{module} is in no layer: add it to LAYERS (and to the drawing in pipeline.py)")


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted((SRC / "icpcheck").rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        out[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return out


def _imports(module: str, tree: ast.Module) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from icpcheck import cli` imports a module; `from icpcheck import __version__` the package
            names = [
                f"{node.module}.{a.name}"
                for a in node.names
                if (SRC / node.module.replace(".", "/") / a.name).is_dir()
                or (SRC / node.module.replace(".", "/") / f"{a.name}.py").is_file()
            ] or [node.module]
            found += [(n, node.lineno) for n in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
    assert not any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(tree)), module
    return [(name, line) for name, line in found if name.split(".")[0] == "icpcheck"]


def test_every_module_is_placed_in_a_layer() -> None:
    for module in _modules():
        _layer(module)


def test_no_import_runs_from_a_lower_layer_up() -> None:
    upward = []
    for module, tree in _modules().items():
        for imported, line in _imports(module, tree):
            if _layer(imported) > _layer(module):
                upward.append(f"{module}:{line} imports {imported}")
    assert not upward, "\n".join(upward)


def test_the_finding_model_imports_nothing_above_the_bottom() -> None:
    tree = _modules()["icpcheck.findings"]
    assert {_layer(name) for name, _ in _imports("icpcheck.findings", tree)} <= {0}


# What makes, settles or rewords the findings of a report: only the pipeline calls these, so that every
# evaluating command (eligibility, obligations' loading, the batch, site, domain) gets one policy, one mask
# and one renderer. `cannot_apply` (a probe of an entity type, for materials and --type auto) stays an engine
# query; classify, materials, timeline and obligations evaluate guidance conditions, not rules into findings.
FINDING_MAKERS = {
    "icpcheck.engine": {"evaluate", "evaluate_rules"},
    "icpcheck.engine.evaluate": {"evaluate", "evaluate_rules", "settle", "placeholder_findings"},
    "icpcheck.sitecheck": {"check_page", "homepage_facts"},
    "icpcheck.facts.whois": {"enrich", "without_profile", "profile_of"},
    "icpcheck.policy": {"apply_waivers"},
}
ALLOWED = {"icpcheck.pipeline", "icpcheck.engine", "icpcheck.engine.evaluate"}


def test_only_the_pipeline_makes_findings() -> None:
    bypass = []
    for module, tree in _modules().items():
        if module in ALLOWED:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in FINDING_MAKERS:
                names = {a.name for a in node.names} & FINDING_MAKERS[node.module]
                bypass += [f"{module}:{node.lineno} imports {node.module}.{n}" for n in sorted(names)]
            elif isinstance(node, ast.Attribute) and node.attr in {"evaluate", "settle", "check_page"}:
                # `engine.evaluate(…)` through a module; a condition node's own .evaluate is the engine's
                base = node.value
                if isinstance(base, ast.Name) and base.id in {"engine", "evaluate", "sitecheck"}:
                    bypass.append(f"{module}:{node.lineno} calls {base.id}.{node.attr}")
    assert not bypass, "\n".join(bypass)
