"""The device history record as a page and as PDF/A."""
