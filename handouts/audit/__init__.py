"""Content quality checks: reading level, PEMAT-P, review governance, citations and
the glossary (``handouts audit``; ``handouts validate`` runs them without layout)."""
