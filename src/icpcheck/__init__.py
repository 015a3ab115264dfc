"""icpcheck: ICP filing (备案) and ICP licence (经营许可证) eligibility, gap reports and materials checklists.

The engine is a library: load a profile and a rule set, call :func:`icpcheck.engine.evaluate`, render the
:class:`icpcheck.findings.Report`. Imports stay light here so that ``icpcheck --help`` starts fast.
"""

__version__ = "0.1.0"
