"""Every ORM model of the application, imported so that ``metadata`` is complete.

Alembic's env.py and the schema-drift test read ``metadata`` from here. The model modules are
those the descriptors in ``medtrace.registry`` name; a new module lists its own.
"""

from medtrace.platform.db.base import Base
from medtrace.registry import import_models

import_models()

metadata = Base.metadata
