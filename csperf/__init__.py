"""csperf — customer-service staff evaluation (客服绩效考核系统)."""

__version__ = "0.1.0"
