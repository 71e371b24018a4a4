"""Member names as clients see them: as in the data (the default), dasherized or camelCased.

Why one object: JSON:API clients differ in the spelling they expect (jsonapi-client and
ember-data dasherize, the spec's recommendations camelCase), and a deployment picks one the way
django-rest-framework-json-api's `JSON_API_FORMAT_FIELD_NAMES` does. Everything written with a
member name (attributes, relationship names, meta, query parameter names and the names inside
their values, error details, the contract) asks `out`; everything read from a query string asks
`into`, which knows only the chosen spelling, so one deployment has one spelling
(docs/decisions/0011-relationships.md). Names are snake_case inside; a name without `_` reads the
same in every style, which keeps the names JSON:API and its profiles define (`maxSize`,
`describedby`) as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable

#: The styles an operator may choose (MEMBER_NAME_FORMAT; docs/operations.md).
STYLES = ("as-is", "dasherize", "camelize")


class MemberNames:
    """One deployment's spelling of member names: `out` writes an inside name, `into` reads one back."""

    def __init__(self, style: str = "as-is") -> None:
        if style not in STYLES:
            raise ValueError(f"unknown member name format {style!r}; one of {', '.join(STYLES)}")
        self.style = style
        self._out: dict[str, str] = {}

    @property
    def as_is(self) -> bool:
        return self.style == "as-is"

    def out(self, name: str) -> str:
        """`member_name` as this deployment writes it: `member_name`, `member-name` or `memberName`."""
        written = self._out.get(name)
        if written is None:
            written = self._out[name] = _formatted(name, self.style)
        return written

    def into(self, text: str, among: Collection[str]) -> str | None:
        """The inside name among `among` that this deployment writes as `text`, or None."""
        if self.as_is:
            return text if text in among else None
        return next((name for name in among if self.out(name) == text), None)

    def listed(self, names: Iterable[str]) -> str:
        """Names for an error's detail, as a client must write them."""
        return ", ".join(self.out(name) for name in names)

    def rewriter(self, vocabulary: Iterable[str]) -> Callable[[str], str]:
        """A function writing, in any text, every whole word that is a name of `vocabulary` this way.

        For prose and examples (the contract): a name counts as a word where no letter, digit or
        `_` touches it, or right after a percent-escape (`%5Bmember_name%5D` in an example link).
        """
        spelled = sorted({name for name in vocabulary if self.out(name) != name}, key=len, reverse=True)
        if not spelled:
            return lambda text: text
        words = "|".join(re.escape(name) for name in spelled)
        pattern = re.compile(rf"(?:(?<=%[0-9A-F]{{2}})|(?<![A-Za-z0-9_]))(?:{words})(?![A-Za-z0-9_])")
        return lambda text: pattern.sub(lambda match: self.out(match[0]), text)


def _formatted(name: str, style: str) -> str:
    if style == "dasherize":
        return name.replace("_", "-")
    if style == "camelize":
        first, *rest = name.split("_")
        return first + "".join(word[:1].upper() + word[1:] for word in rest)
    return name


#: Names as in the data: the default, and what tests and tools read when no setting applies.
AS_IS = MemberNames()
