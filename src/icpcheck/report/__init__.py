"""The report model shared by every command, and one renderer module per output format."""
