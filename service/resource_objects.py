"""JSON:API resource objects: the one place a record or group becomes `{type, id, attributes, links}`.

Why not marshmallow-jsonapi schemas: the library builds a schema per request and dumps
every record through it, which cost more than the query itself
(docs/decisions/0004-rendering.md). Records and groups already arrive typed, in rendered
order and JSON-ready, so rendering is choosing keys; sparse fieldsets keep the declared order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.fields import AGGREGATE_ATTRIBUTES, AGGREGATES_TYPE, ATTRIBUTES, RESOURCE_TYPE

ResourceObject = dict[str, Any]


@dataclass(frozen=True)
class ResourceShape:
    """A resource type: its attributes in rendered order, and the path of its own URL if it has one."""

    type: str
    attributes: tuple[str, ...]
    self_path: str | None = None

    def attribute_names(self, fields: tuple[str, ...] | None) -> tuple[str, ...]:
        """The attributes to render for a sparse fieldset (None: all), in declared order."""
        if fields is None:
            return self.attributes
        chosen = set(fields)
        return tuple(name for name in self.attributes if name in chosen)

    def render(self, row: dict[str, Any], names: tuple[str, ...], root_url: str) -> ResourceObject:
        """One resource object; attributes the row lacks (dimensions not grouped by) are absent."""
        resource: ResourceObject = {
            "type": self.type,
            "id": str(row["id"]),
            "attributes": {name: row[name] for name in names if name in row},
        }
        if self.self_path is not None:
            resource["links"] = {"self": f"{root_url}{self.self_path}{row['id']}"}
        return resource


EXPENSE = ResourceShape(RESOURCE_TYPE, tuple(ATTRIBUTES), self_path="/expanses/")
AGGREGATE = ResourceShape(AGGREGATES_TYPE, AGGREGATE_ATTRIBUTES)
