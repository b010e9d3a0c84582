"""Serving the store: command line, REST API, web UI, search and exports."""
