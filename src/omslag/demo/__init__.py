"""The demo: invented organisations and people, and every app's demo data (``omslag demo``)."""
