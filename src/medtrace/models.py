"""Every ORM model of the application, imported so that ``metadata`` is complete.

Alembic's env.py and the schema-drift test read ``metadata`` from here. A new module adds its
``models`` import below.
"""

from medtrace.modules.catalog import models as _catalog_models  # noqa: F401
from medtrace.modules.inventory import count_models as _inventory_counts  # noqa: F401
from medtrace.modules.inventory import expiry_models as _inventory_expiry  # noqa: F401
from medtrace.modules.inventory import models as _inventory_models  # noqa: F401
from medtrace.modules.partners import models as _partners_models  # noqa: F401
from medtrace.modules.traceability import models as _traceability_models  # noqa: F401
from medtrace.platform.audit import checkpoint_models as _audit_checkpoints  # noqa: F401
from medtrace.platform.audit import models as _audit_models  # noqa: F401
from medtrace.platform.auth import models as _auth_models  # noqa: F401
from medtrace.platform.customfields import models as _customfields_models  # noqa: F401
from medtrace.platform.db.base import Base
from medtrace.platform.esign import models as _esign_models  # noqa: F401
from medtrace.platform.events import models as _events_models  # noqa: F401
from medtrace.platform.idempotency import models as _idempotency_models  # noqa: F401
from medtrace.platform.jobs import models as _jobs_models  # noqa: F401
from medtrace.platform.numbering import models as _numbering_models  # noqa: F401
from medtrace.platform.policy import models as _policy_models  # noqa: F401

metadata = Base.metadata
