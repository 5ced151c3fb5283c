"""Shared machinery: base models, history, errors, the API conventions, import/export."""
