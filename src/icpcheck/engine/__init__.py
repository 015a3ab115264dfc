"""Rule loading, the condition DSL and evaluation. Pure: no I/O beyond reading the rule files."""

from icpcheck.engine.evaluate import evaluate, evaluate_rules
from icpcheck.engine.loader import RuleSet, load_ruleset

__all__ = ["RuleSet", "evaluate", "evaluate_rules", "load_ruleset"]
