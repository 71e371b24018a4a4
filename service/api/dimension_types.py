"""The resource types made of the labels of one expanse attribute: departments, projects, members.

Why one table: each entry gives a type its collection (`/members`), its resources
(`/members/{id}`, with `name`, `totals` and the to-many `expanses`), the related collection of
its records (`/members/{id}/expanses`), and each expanse its to-one relationship (`member`),
with the related and relationship endpoints and what `include` and `fields[...]` accept. A
fourth (say `categories` over a `category` attribute) is one more entry here, plus its paths in
openapi.yaml; the attribute itself is one entry in service/data/fields.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.data.fields import ATTRIBUTES, Kind


@dataclass(frozen=True)
class DimensionType:
    """A type whose resources are the distinct labels of one text attribute of the expanses."""

    #: The resource type, also its collection's path.
    type: str
    #: The to-one relationship of each expanse to its resource of this type (also the URL segment).
    relationship: str
    #: The expanse attribute holding the label.
    column: str

    def __post_init__(self) -> None:
        assert ATTRIBUTES.get(self.column) is Kind.TEXT, f"{self.column} is not a text attribute of expanses"


DIMENSION_TYPES = (
    DimensionType("departments", "department", "departments"),
    DimensionType("projects", "project", "project_name"),
    DimensionType("members", "member", "member_name"),
)
BY_TYPE = {kind.type: kind for kind in DIMENSION_TYPES}
BY_RELATIONSHIP = {kind.relationship: kind for kind in DIMENSION_TYPES}

#: The expanses' relationships, in rendered order.
EXPANSE_RELATIONSHIPS = tuple(BY_RELATIONSHIP)
#: A dimension resource's attributes, in rendered order.
DIMENSION_ATTRIBUTES = ("name", "totals")
#: A dimension resource's one relationship: the records holding its label (to-many, links and count only).
RECORDS = "expanses"
#: Every field `fields[departments]` (and the others) may name.
DIMENSION_FIELDS = (*DIMENSION_ATTRIBUTES, RECORDS)
