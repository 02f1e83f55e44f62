"""Importeren (/import): upload, preview, map, dry run, load, save the mapping, undo — in the browser.

The coordinator and the beheerder only. Every step calls what the command line calls (etl/web_import.py
on top of the own-exports loaders); the dry run, the load and the undo run as background jobs
(dashboards/components/import_jobs.py), never in the request. Every component id starts with
`import-`: dashboards/access.py refuses those callbacks (403, audited) to other roles, and each
callback checks the role again. Every step is written to the audit log.

`page` registers the page and builds its layout; `preview` reads the upload (its first rows, the file
options, the mapping pre-filled), `labels` the label tables and new categories, `run` the dry run, the
load and the saved profile, `batches` the list of imports and the undo.
"""
