"""Watching the system from the outside: traces, logs and metrics for the tools an SRE team already runs."""
