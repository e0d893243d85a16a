"""Protected tags and promotion requests: what the registry records about them.

A protected tag moves only when a promotion request collects its approvals
(or by an admin's break-glass promote). The records here are what every face
receives; the rules (durations, reviewer names, who may approve) are in
:mod:`.rules`; the SQL is in :mod:`registry_tui.db.approvals`.
"""

from registry_tui.governance.records import Approval, Identity, PromotionRequest, Protection

__all__ = ["Approval", "Identity", "PromotionRequest", "Protection"]
