"""奖惩/事件: the events supervisors, QC inspectors and HR record about a person, and the
declaration that a unit's events of a period are all recorded (docs/web.md, 奖惩/事件)."""
