"""The interactions a sampling plan draws from: calls or tickets of the period in the records store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from csperf.qc.sampling import Interaction

# Optional columns of the calls and tickets tables: where the recording or transcript is.
LINK_COLUMNS = ("recording_url", "transcript_url")


def safe_link(value: Any) -> str:
    """A link fit for a page: http(s) or a path on this site; never javascript: and the like."""
    url = str(value or "").strip()
    if len(url) > 1000 or any(c.isspace() or c == "\\" for c in url):
        return ""
    if url.lower().startswith(("https://", "http://")):
        return url
    return url if url.startswith("/") and not url.startswith("//") else ""


def _links(table, row_columns: list[str]) -> list[str]:
    return [c for c in LINK_COLUMNS if c in table.columns and c not in row_columns]


def _link_attrs(row: dict) -> dict[str, str]:
    return {c: row[c] for c in LINK_COLUMNS if row.get(c)}


def from_store(source: str, period_label: str, agent_codes: Iterable[str]) -> list[Interaction]:
    """Answered calls (or tickets) handled by ``agent_codes`` in the period."""
    from csperf.ingest.store import open_store
    from csperf.kernel.periods import parse_period

    period = parse_period(period_label, 1)
    codes = sorted(set(agent_codes))
    if not codes:
        return []
    with open_store(settings.DATA_DIR) as store:
        if source == "tickets":
            t = store.table("tickets")
            expr = t.filter(
                t.agent_id.isin(codes),
                t.created_at >= period.start_ts,
                t.created_at < period.end_ts,
            )
            cols = [
                "ticket_id",
                "agent_id",
                "channel",
                "type",
                "satisfaction",
                "customer_tier",
                "created_at",
            ]
            expr = expr.select(*cols, *_links(t, cols))
            rows = expr.to_pyarrow().to_pylist()
            return [
                Interaction(
                    id=r["ticket_id"],
                    agent=r["agent_id"],
                    queue=r["type"] or "",
                    channel=r["channel"] or "",
                    rated=r["satisfaction"] is not None,
                    attrs={
                        "tier": r["customer_tier"] or "",
                        "at": r["created_at"].isoformat(sep=" "),
                        **_link_attrs(r),
                    },
                )
                for r in rows
            ]
        t = store.table("calls")
        expr = t.filter(
            t.agent_id.isin(codes),
            t.offered_at >= period.start_ts,
            t.offered_at < period.end_ts,
            t.outcome.isin(["answered", "connected"]),
        )
        cols = [
            "call_id",
            "agent_id",
            "queue",
            "direction",
            "rating",
            "customer_tier",
            "offered_at",
            "talk_s",
        ]
        expr = expr.select(*cols, *_links(t, cols))
        rows = expr.to_pyarrow().to_pylist()
        return [
            Interaction(
                id=r["call_id"],
                agent=r["agent_id"],
                queue=r["queue"] or "",
                channel=r["direction"] or "",
                rated=r["rating"] is not None,
                attrs={
                    "tier": r["customer_tier"] or "",
                    "at": r["offered_at"].isoformat(sep=" "),
                    "talk_s": str(r["talk_s"]) if r["talk_s"] is not None else "",
                    "rating": r["rating"],
                    **_link_attrs(r),
                },
            )
            for r in rows
        ]
