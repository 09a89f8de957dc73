"""Where gitmon reviews history: the commit stream (`history`), the cache warmed with few
engine runs (`prefill`) and the summary over many commits (`summary`)."""
