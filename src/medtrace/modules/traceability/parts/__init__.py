"""Parts replaced in service: a part taken out of a unit (its genealogy edge keeps the history,
flagged removed) and a spare fitted in its place (a ``replacement`` edge), and what the trace
queries need to tell the parts a unit contains now from those it once contained."""
