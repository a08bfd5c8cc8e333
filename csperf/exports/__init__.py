"""Documents people print and keep: scorecards and summaries as Excel workbooks."""
