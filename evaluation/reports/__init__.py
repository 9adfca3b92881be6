"""Layer 3, reports: each report's tables, findings and plain-language summary for a loaded cohort. Imports the layers below."""
