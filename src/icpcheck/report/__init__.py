"""One renderer module per output format (the finding model they render is icpcheck.findings)."""
