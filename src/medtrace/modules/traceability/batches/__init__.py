"""Production batches: a lot made into serial units (every unit linked to its batch lot at once)
and the batch's quality status changed for the lot and its units together."""
