"""The `csperf` command line."""
