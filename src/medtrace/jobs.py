"""Every periodic job of the application, registered on import.

``medtrace worker`` imports this module before it reads the job registry (the platform knows no
business module, so it is told this module's name). A module with jobs adds its ``jobs`` import
below; modules whose in-process event handlers must also run in the worker add those too.
"""

from medtrace import models as _models  # noqa: F401  (every mapper, before any query)
from medtrace.modules.inventory import jobs as _inventory_jobs  # noqa: F401
from medtrace.platform.audit import checkpoint as _audit_checkpoint  # noqa: F401
