"""Template library: list, YAML and rendered card, upload with precise errors, and the what-if."""
