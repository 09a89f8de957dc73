"""gitmon: a git-driven policy monitor and CI gate."""

__version__ = "0.1.0"
