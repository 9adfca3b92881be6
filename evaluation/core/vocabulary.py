"""The workbench's one vocabulary: the names of waves, raters, comparisons and categories.

Every layer takes these names from here, so that a wave is called ``pre`` in the parameter
files, the schemas, the statistics and the published tables alike (CONTRACT sections 2-4).
"""

from __future__ import annotations

__all__ = [
    "COMPARISONS",
    "COST_BASES",
    "COST_CATEGORIES",
    "EQUITY_DIMENSIONS",
    "FRAMEWORK_AREAS",
    "GROUPS",
    "MULTIPLICITY_METHODS",
    "NON_COUNCIL_AREAS",
    "PROTECTED",
    "RATERS",
    "ROLE_LEVELS",
    "SECTORS",
    "STATUSES",
    "UNDECLARED",
    "WAVES",
]

#: Waves in their canonical time order (``then`` is answered at post, about the time before).
WAVES: tuple[str, ...] = ("pre", "then", "post", "follow_up")
RATERS: tuple[str, ...] = ("self", "line_manager", "peer", "direct_report")
#: Comparisons: name → (earlier wave, later wave); change = later − earlier.
COMPARISONS: dict[str, tuple[str, str]] = {
    "pre_post": ("pre", "post"),
    "pre_follow_up": ("pre", "follow_up"),
    "then_post": ("then", "post"),
    "post_follow_up": ("post", "follow_up"),
}
#: Adjustments of p-values for testing several scales (the cohort parameter ``multiplicity``).
MULTIPLICITY_METHODS: tuple[str, ...] = ("holm", "bh", "none")
ROLE_LEVELS = (
    "frontline",
    "first_line_manager",
    "middle_manager",
    "senior_manager",
    "chief_officer",
    "elected_member",
    "other",
)
#: The participant characteristics equity of access is examined by.
EQUITY_DIMENSIONS = (
    "sector",
    "local_authority",
    "role_level",
    "framework_area",
    "gender",
    "age_band",
    "ethnicity",
    "disability",
)
SECTORS = ("local_authority", "voluntary", "private", "health", "other_public")
FRAMEWORK_AREAS = ("professional_practice", "political", "strategic", "operational", "academic", "citizen")
STATUSES = ("completed", "withdrew", "in_progress")
#: The optional ``group`` column of participants.csv: ``programme`` (the default, also for a blank
#: cell or an absent column) or ``comparison`` (did not take the programme; answered the same
#: questionnaires at the same waves, for the comparison-group outcome only).
GROUPS = ("programme", "comparison")
COST_CATEGORIES = (
    "needs_assessment",
    "design",
    "delivery",
    "venue",
    "materials",
    "travel",
    "accreditation",
    "participant_time",
    "backfill",
    "management",
    "evaluation",
    "other",
)
COST_BASES = ("fixed", "per_participant")
#: Optional participant columns holding protected characteristics: free categories, blanks kept.
PROTECTED = ("gender", "age_band", "ethnicity", "disability")
#: Categories of a protected characteristic that mean "not declared".
UNDECLARED: tuple[str, ...] = ("not_declared", "prefer_not_to_say", "not_recorded")

#: ``local_authority`` categories that are not one of the 32 council areas (national bodies).
NON_COUNCIL_AREAS: tuple[str, ...] = ("national",)
