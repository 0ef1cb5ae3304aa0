"""Every periodic job of the application: what ``medtrace worker`` imports before it reads the
job registry (the platform knows no module, so the CLI hands it this module's name). The jobs
are those the descriptors in ``medtrace.registry`` name."""

from medtrace.registry import import_models, register_jobs

import_models()  # every mapper, before any query
register_jobs()
