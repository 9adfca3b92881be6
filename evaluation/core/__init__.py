"""Layer 0, the foundation: errors and warnings, paths, the only file I/O (one atomic writer), the shared vocabulary and argument checks. Imports nothing else of the package."""
