"""Record imports from the browser: upload, blank templates per record type, error reports."""
