"""The JSON:API resources: `/`, `/health`, `/expanses`, `/aggregates`, over the flow they share.

May import: everything below it (`service.web`, `service.engine`, `service.query`, `service.data`)
and flask-rest-jsonapi-next, whose `MethodView` dispatch the resources use (decision 0002).
"""
