"""Browser tests: the app served on a free port, driven by headless chromium."""
