"""Receiving: scan-first receipts against purchase orders into quarantine, with their lots,
serial units, stock moves, journal events and inspections in one transaction; returns of
rejected goods to the supplier; supplier performance."""
