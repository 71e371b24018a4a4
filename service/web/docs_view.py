"""The contract as the docs page shows it to people: derived from openapi.yaml at start-up, never written apart.

Why a view: openapi.yaml names each `filter[field][op]` as a parameter of its own, so that tools
(schemathesis, code generators) generate and check every one, and it lists the refused writes on
every path, which tools check too; Swagger UI drew each as a box (120 on `GET /expanses`) or an
operation (three "Refused" per path). Here each operation's `filter[...]`, `page[...]` and
`fields[...]` become one box each, with an example to edit and run, and operations that never
succeed are said once, in info.description.

Why `filter` is not a deepObject like `page` and `fields`: Swagger UI (flask-swagger-ui 5.34)
writes a nested value of a deepObject as JSON (`filter[amount]={"gte":"2000"}`), so operators
could not be run. An object in `form` style with `explode` writes each key as a parameter of its
own, which is how OpenAPI defines it, so the keys are the parameters as written in a URL.
"""

from __future__ import annotations

import copy
from typing import Any

#: The full contract, for tools: every filter by name, every refusal on every path.
FULL_CONTRACT = "/openapi.json"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def people_view(contract: dict[str, Any]) -> dict[str, Any]:
    """The contract with bracketed families as one parameter each, and without operations that never succeed."""
    view = copy.deepcopy(contract)
    components = view.get("components", {}).get("parameters", {})
    refused: dict[str, set[str]] = {}
    for path, item in view["paths"].items():
        for method in [key for key in item if key in _METHODS]:
            if _never_succeeds(item[method]):
                refused.setdefault(method, set()).add(path)
                del item[method]
            elif "parameters" in item[method]:
                item[method]["parameters"] = _collapsed(item[method]["parameters"], components)
    view["info"]["description"] = view["info"]["description"].rstrip("\n") + "\n\n" + _note(refused, len(view["paths"]))
    return view


def _never_succeeds(operation: dict[str, Any]) -> bool:
    return not any(str(status).startswith("2") for status in operation.get("responses", {}))


def _note(refused: dict[str, set[str]], paths: int) -> str:
    families = "This page shows `filter`, `page` and `fields` as one box each, with an example to edit and run."
    if not refused:
        return families
    *others, last = (method.upper() for method in refused)
    methods = f"{', '.join(others)} and {last}" if others else last
    where = "every path" if all(len(on) == paths for on in refused.values()) else "some paths"
    return (
        f"{families} It lists only operations that can succeed: {methods} on {where} are refused with a "
        f"JSON:API error. The full contract, with each refusal and each `filter[field][operator]` as a "
        f"parameter of its own: [{FULL_CONTRACT}]({FULL_CONTRACT})."
    )


def _collapsed(parameters: list[dict[str, Any]], components: dict[str, Any]) -> list[dict[str, Any]]:
    """The parameters with each family's members replaced, where the first of them stood, by one parameter."""
    members: dict[str, list[dict[str, Any]]] = {}
    kept: list[dict[str, Any] | str] = []
    for parameter in parameters:
        resolved = _resolved(parameter, components)
        family = _family(resolved)
        if family is None:
            kept.append(parameter)
            continue
        if family not in members:
            members[family] = []
            kept.append(family)
        members[family].append(resolved)
    return [_BUILDERS[entry](members[entry]) if isinstance(entry, str) else entry for entry in kept]


def _resolved(parameter: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    reference = parameter.get("$ref", "")
    prefix = "#/components/parameters/"
    return components[reference.removeprefix(prefix)] if reference.startswith(prefix) else parameter


def _family(parameter: dict[str, Any]) -> str | None:
    if parameter.get("in") != "query":
        return None
    return next((family for family in _BUILDERS if parameter["name"].startswith(f"{family}[")), None)


def _filter(members: list[dict[str, Any]]) -> dict[str, Any]:
    """One `filter` box: keys are the parameters as written in the URL, values their text."""
    return {
        "name": "filter",
        "in": "query",
        "description": _filter_description(members),
        "style": "form",
        "explode": True,
        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
        "example": {member["name"]: _text(member["example"]) for member in members if "example" in member},
    }


def _filter_description(members: list[dict[str, Any]]) -> str:
    """The fields and their operators, fields with the same operators on one line."""
    operators: dict[str, list[str]] = {}
    for member in members:
        field, _, operator = member["name"].removeprefix("filter[").removesuffix("]").partition("][")
        operators.setdefault(field, [])
        if operator:
            operators[field].append(operator)
    fields_by_operators: dict[tuple[str, ...], list[str]] = {}
    for field, names in operators.items():
        fields_by_operators.setdefault(tuple(names), []).append(field)
    lines = [
        f"- {_code(fields)}: {_code(names) if names else 'equality only'}"
        for names, fields in fields_by_operators.items()
    ]
    return "\n".join(
        [
            "Filters, all applied together. Each key is a parameter as written in the URL, each value its text:",
            '`"filter[FIELD]": "value"` keeps what equals the value, `"filter[FIELD][OPERATOR]": "value"`',
            "applies an operator. The fields, each followed by its operators:",
            "",
            *lines,
            "",
            f"Each filter's meaning and the syntax of its value: [{FULL_CONTRACT}]({FULL_CONTRACT}), where each is a"
            " parameter of its own.",
        ]
    )


def _deep_object(family: str, explained: str) -> Any:
    """A builder of one box for `family[KEY]` parameters, written by Swagger UI as a deepObject."""

    def build(members: list[dict[str, Any]]) -> dict[str, Any]:
        keys = {member["name"].removeprefix(f"{family}[").removesuffix("]"): member for member in members}
        example = {key: _text(_example(member)) for key, member in keys.items() if _example(member) is not None}
        return {
            "name": family,
            "in": "query",
            "description": f"{explained} Each key `KEY` is sent as `{family}[KEY]`: {_code(list(keys))}.",
            "style": "deepObject",
            "explode": True,
            "schema": {
                "type": "object",
                "additionalProperties": False,
                "properties": {key: _as_text(member) for key, member in keys.items()},
            },
            "example": example,
        }

    return build


def _example(member: dict[str, Any]) -> Any:
    return member.get("example", member.get("schema", {}).get("default"))


def _as_text(member: dict[str, Any]) -> dict[str, Any]:
    """A member's schema as a value in the object (lists as their comma-separated text), with its description."""
    schema = member.get("schema", {})
    if schema.get("type") == "array":
        schema = {"type": "string"}
    return {**schema, "description": member.get("description", "")}


def _text(value: Any) -> Any:
    """A value as written in the query string: lists comma-separated (the form style of every list here)."""
    return ",".join(str(item) for item in value) if isinstance(value, list) else value


def _code(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names)


_BUILDERS = {
    "filter": _filter,
    "page": _deep_object("page", "Pages."),
    "fields": _deep_object("fields", "Sparse fieldsets: for each resource type, its fields, comma-separated."),
}
