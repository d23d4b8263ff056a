"""The `eskalasi` command line."""
