"""HTTP on every path: JSON:API documents and errors, request policy, caching, ids, metrics, docs page.

May import: Flask and Werkzeug, `service.query`, `service.data`. Knows no resource and no engine.
"""
