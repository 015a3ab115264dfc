"""Facts from the outside world (whois, …). They only add facts to a profile; the engine does no I/O."""
