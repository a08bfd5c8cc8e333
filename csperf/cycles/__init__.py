"""Evaluation cycles: scorecard templates, cycles, template assignment, computing the cards."""
