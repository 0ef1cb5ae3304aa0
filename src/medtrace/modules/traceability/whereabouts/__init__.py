"""Whereabouts by quantity: where each part of a lot is (in stock per location, shipped per
customer and ship-to, returned, consumed into which parents), read from the journal and the
genealogy. Private to traceability: the trace answers carry it (``queries.py``)."""
