"""The core every layer stands on: the store and its connection rules, errors, accounts and the audit
log, reference data and settings (the territory), secret keys, geometry and command-line helpers.

Layering: civ ← etl, analytics ← dashboards ← app. Nothing here imports etl, analytics or dashboards.
"""
