"""What the store holds, read back for people: pure functions over a DuckDB connection.

Nothing here knows of Dash; every function takes an open connection (read-only is enough) and
returns a pandas DataFrame or a plain dict, so pages, reports and the command line share them.
"""
