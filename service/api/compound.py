"""Expanse resource objects with their relationships, and the compound document's `included` array.

Why one module: what an expanse says about its department, project and member (linkage and
links), which of them a sparse fieldset keeps, and which resources `include` adds (each once)
are decided together. The choices JSON:API 1.1 leaves open are written down in
docs/decisions/0011-relationships.md: a relationship left out by `fields[expanses]` loses its
linkage, but `include` still includes its resources (the sparse-fieldset exception to full linkage).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from service.api.base import ResourceObject, ResourceShape
from service.api.dimension_resources import Dimensions
from service.api.dimension_types import EXPANSE_RELATIONSHIPS
from service.data.fields import ATTRIBUTES, RESOURCE_TYPE
from service.engine.records import Record
from service.query.model import Query
from service.query.names import MemberNames

EXPENSE = ResourceShape(RESOURCE_TYPE, tuple(ATTRIBUTES), self_path="/expanses/")


class ExpanseRenderer:
    """Renders expanses for one table's dimensions, member names written as this deployment writes them."""

    def __init__(self, dimensions: Dimensions, names: MemberNames) -> None:
        self.dimensions = dimensions
        self.names = names

    def resource(self, record: Record, query: Query, root: str) -> ResourceObject:
        """One expanse: the attributes and relationships its sparse fieldset keeps (all without one), links."""
        fields = query.fields
        chosen = EXPANSE_RELATIONSHIPS if fields is None else [name for name in EXPANSE_RELATIONSHIPS if name in fields]

        def relationships(url: str) -> dict[str, Any]:
            return {self.names.out(name): self.relationship(record, name, url) for name in chosen}

        names = EXPENSE.attribute_names(fields)
        return EXPENSE.render(record, names, root, self.names, relationships if chosen else None)

    def relationship(self, record: Record, name: str, url: str) -> dict[str, Any]:
        """The relationship object `name` of the expanse at `url`: its two links and its linkage."""
        kind = self.dimensions.by_relationship[name].kind
        links = {"self": f"{url}/relationships/{name}", "related": f"{url}/{name}"}
        return {"links": links, "data": {"type": kind.type, "id": record[kind.column]}}

    def included(self, records: Iterable[Record], query: Query, root: str) -> list[ResourceObject]:
        """The resources `include` asks for, each once, in the order the records first name them."""
        found: dict[tuple[str, str], ResourceObject] = {}
        for record in records:
            for name in query.include or ():
                index = self.dimensions.by_relationship[name]
                label = record[index.kind.column]
                if (index.kind.type, label) not in found:
                    position = index.position(label)
                    assert position is not None, f"{label!r} is in a record but not among the {index.kind.type}"
                    fields = query.other_fields.get(index.kind.type)
                    found[(index.kind.type, label)] = index.resource(position, fields, root)
        return list(found.values())

    def document(self, records: list[Record], query: Query, root: str) -> dict[str, Any]:
        """`data` (the records), and `included` when `include` was given (an empty array for `include=`)."""
        document: dict[str, Any] = {"data": [self.resource(record, query, root) for record in records]}
        if query.include is not None:
            document["included"] = self.included(records, query, root)
        return document
