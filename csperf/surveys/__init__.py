"""Customer surveys and callbacks (回访/满意度): import, CS index, CSAT, NPS, follow-up tasks."""
