"""traceability.stats: how many traces were run per day and how long they took, kept in the
database (a small counter table per day and duration bucket) so that every server process
adds to the same figures and the home dashboard reads them with one query."""
