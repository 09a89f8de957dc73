"""Review engines: one batched semgrep run, and the built-in checks."""
