"""Complaints: what a customer, a service visit or the field reports about a device, recorded
with the lot or serial unit it concerns so that the trace, the investigation and a recall start
from it. Other modules open one with ``quality.open_complaint`` inside their own transaction
(a service follow-up visit keeps the link)."""
