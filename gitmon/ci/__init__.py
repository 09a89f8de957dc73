"""Where gitmon runs in CI: which commits a run reviews (`event`), from flags or GitHub's
event payload; the command itself is `gitmon.commands.ci`."""
