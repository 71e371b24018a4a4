"""What a request asks for: the query model, its parser, the operators and cursors; plain errors.

May import: `service.data`. Never a web framework: a bad parameter is a `QueryError` that the
HTTP layer (`service.web.errors`) turns into a JSON:API 400.
"""
