"""Where gitmon runs as a git hook: the installed hooks, the pre-push question, and the
import-light fast path that answers `check --staged` before click is loaded."""
