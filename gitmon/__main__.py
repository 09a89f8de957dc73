from gitmon.main import entry

raise SystemExit(entry())
