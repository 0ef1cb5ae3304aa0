def load(uow): """Filled below."""
