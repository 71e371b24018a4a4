"""The marshmallow-jsonapi schemas of `expanses` and `aggregates` resources.

Why: the library renders resources (and sparse fieldsets) through these schemas; links are
absolute so that clients can follow them as they are.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow_jsonapi import fields
from marshmallow_jsonapi.flask import Schema

from service.fields import AGGREGATES_TYPE, RESOURCE_TYPE


class DeclaredOrderSchema(Schema):  # type: ignore[misc]
    """Renders sparse fieldsets in declaration order (the library passes `only` as a set)."""

    def __init__(self, *args: Any, only: Any = None, **kwargs: Any) -> None:
        if only is not None:
            order = list(self._declared_fields)
            only = tuple(sorted(only, key=order.index))
        super().__init__(*args, only=only, **kwargs)


class ExpanseSchema(DeclaredOrderSchema):
    """One expense record: the CSV row, its id, and the currency read from its amount."""

    class Meta:
        type_ = RESOURCE_TYPE
        self_view = "expanse_detail"
        self_view_kwargs = {"id": "<id>"}

    id = fields.Str(dump_only=True)
    departments = fields.Str()
    project_name = fields.Str()
    amount = fields.Float()
    currency = fields.Str()
    date = fields.Date()
    member_name = fields.Str()

    def generate_url(self, view_name: str | None, **kwargs: Any) -> str | None:
        """Absolute URLs, unlike the library's default relative ones."""
        return url_for(view_name, _external=True, **kwargs) if view_name else None


class AggregateSchema(DeclaredOrderSchema):
    """One group: its dimension values (only those grouped by are present), currency, metrics."""

    class Meta:
        type_ = AGGREGATES_TYPE

    id = fields.Str(dump_only=True)
    departments = fields.Str()
    project_name = fields.Str()
    member_name = fields.Str()
    date = fields.Date()
    date_month = fields.Str()
    date_quarter = fields.Str()
    date_year = fields.Str()
    currency = fields.Str()
    total = fields.Float()
    count = fields.Int()
    average = fields.Float()
    min = fields.Float()
    max = fields.Float()
