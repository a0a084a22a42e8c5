"""Outreach services: scope of personal data, target lists, installation pathway, contracts,
retention and GDPR requests. Views, commands and the demo all go through these functions."""

from maillage.web.accounts.scope import scoped, visible_departements

from .campaigns import campaign_progress, set_targets, target_professionals, targets_with_status
from .installations import (
    create_contract,
    create_installation,
    detect_installations,
    overdue_milestones,
)
from .professionals import (
    DEFAULT_MILESTONE_MONTHS,
    GP_CATEGORY,
    NURSE_CATEGORY,
    departement_for,
    departement_of,
    milestone_months,
    professionals_in,
    reader_departement,
    search_professionals,
)
from .records import professional_records

__all__ = [
    "DEFAULT_MILESTONE_MONTHS",
    "GP_CATEGORY",
    "NURSE_CATEGORY",
    "campaign_progress",
    "create_contract",
    "create_installation",
    "departement_for",
    "departement_of",
    "detect_installations",
    "milestone_months",
    "overdue_milestones",
    "professional_records",
    "professionals_in",
    "reader_departement",
    "scoped",
    "search_professionals",
    "set_targets",
    "target_professionals",
    "targets_with_status",
    "visible_departements",
]
