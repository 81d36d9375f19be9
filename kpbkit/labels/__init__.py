"""Every Swedish display string, in one place: shared labels here, each report's own in its module.

``from kpbkit import labels`` gives the shared names (``labels.SERVICES``, ``labels.COLUMNS``, ...);
report-specific text lives in ``labels.lss``, ``labels.barn_unga``, ``labels.kvalitet`` and
``labels.prognos``.
"""

from kpbkit.labels.common import *  # noqa: F403
from kpbkit.labels.common import check, service  # noqa: F401
