"""The dependency-free bottom of csperf: periods, working days, problems, Decimal ↔ JSON,
yes/no words and messages marked for translation (``i18n``).

Only the standard library is imported here (and, for working days, the national 调休 calendar
``chinesecalendar``), nothing else in csperf; every other package builds on these, so each
concept has one definition.
"""
