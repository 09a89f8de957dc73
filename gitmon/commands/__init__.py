"""One module per subcommand: a plain function with keyword arguments returning an exit code."""
