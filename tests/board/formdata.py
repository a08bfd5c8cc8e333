"""What a browser submits for one form of a page: every input, textarea and select that belongs
to it (inside it or tied to it with ``form="…"``), each select with its selected option, or its
first one when none is selected — exactly as the browser would."""

from __future__ import annotations

from html.parser import HTMLParser


class _Fields(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = 0  # depth inside <form id=form_id>
        self.fields: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._textarea: dict | None = None

    def _mine(self, attrs: dict) -> bool:
        return attrs.get("form") == self.form_id or (self.inside and "form" not in attrs)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside += 1
        elif tag == "input" and a.get("name") and self._mine(a):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name") and self._mine(a):
            self._select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"] = value
        elif tag == "textarea" and a.get("name") and self._mine(a):
            self._textarea = {"name": a["name"], "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside -= 1
        elif tag == "select" and self._select is not None:
            s = self._select
            self.fields.append((s["name"], s["chosen"] if s["chosen"] is not None else s["first"]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea["name"], self._textarea["text"]))
            self._textarea = None


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The form's fields as the browser submits them (one value per name)."""
    parser = _Fields(form_id)
    parser.feed(html)
    return dict(parser.fields)
