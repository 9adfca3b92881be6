"""Leadership programme evaluation workbench.

Questionnaire, attendance and cost data from public-sector leadership programmes in, evidence
out: validated and pseudonymised data, scored scales and their reliability, pre/post outcomes,
cost per participant and equity of access. See README.md and docs/.

Importing the package has no side effects: it reads no file, changes no setting and imports
nothing heavy; the names below load their modules on first use.
"""

from evaluation.core.version import __version__

__all__ = ["__version__"]
