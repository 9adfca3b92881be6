"""Leadership programme evaluation workbench.

Questionnaire, attendance and cost data from public-sector leadership programmes in, evidence
out: validated and pseudonymised data, scored scales and their reliability, pre/post outcomes,
cost per participant and equity of access. See README.md and docs/.

Nothing runs at import; submodules are imported on demand (``from evaluation import scoring``).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
