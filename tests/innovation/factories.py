"""Shared test data of the innovation pipeline."""

import datetime as dt

# A complete A/B design: what an experiment needs before it may start.
DESIGN = {
    "hypothesis": "Sneller",
    "intervention": "Chatbot",
    "primary_metric": "wachttijd",
    "design_type": "ab",
    "minimum_detectable_effect": 1.0,
    "sample_size_per_group": 100,
    "planned_start": dt.date(2026, 1, 1),
    "planned_end": dt.date(2026, 6, 30),
}
