"""Media types as clients send them (Accept, Content-Type), read in one place.

Why one reader: the 406/415 rules (service/web/policy.py), the profiles a client asks the
server to apply (the cursor pagination profile; the answer memory's key) and any later
negotiation read the same entries the same way: a type, its media type parameters, and
where accept-params (`q` and what follows) begin.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.web.documents import JSONAPI_MEDIA_TYPE

#: Media type parameters JSON:API allows; we support no extensions, so `ext` must be empty.
_ALLOWED_PARAMETERS = frozenset({"ext", "profile"})


@dataclass(frozen=True)
class MediaRange:
    """One entry of Accept (or a Content-Type): its type, its media type parameters, and its quality."""

    type: str
    #: Names lower-cased, values unquoted; the accept-params (from `q` on) are not among them.
    parameters: tuple[tuple[str, str], ...]
    quality: float = 1.0

    @property
    def refused(self) -> bool:
        return self.quality == 0

    def specificity(self, media_type: str) -> int:
        """How closely this entry names `media_type`: 3 exactly, 2 as `type/*`, 1 as `*/*`, 0 not at all."""
        if self.type == media_type:
            return 3
        if self.type.endswith("/*") and media_type.startswith(self.type[:-1]):
            return 2
        return 1 if self.type == "*/*" else 0

    @property
    def is_jsonapi(self) -> bool:
        return self.type == JSONAPI_MEDIA_TYPE

    def jsonapi_can_honour(self) -> bool:
        """A non-JSON:API type is fine; JSON:API may carry only `profile` and an empty `ext`."""
        if not self.is_jsonapi:
            return True
        return all(name in _ALLOWED_PARAMETERS and not (name == "ext" and value) for name, value in self.parameters)


def media_range(entry: str) -> MediaRange:
    """Read one entry: `type/subtype; name=value; ...; q=0.5; ...`."""
    media_type, *parameters = entry.split(";")
    read: list[tuple[str, str]] = []
    quality = 1.0
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        name, value = name.strip().lower(), value.strip().strip('"')
        if name == "q":
            quality = _quality(value)
            break  # accept-params start here; they are not media type parameters
        read.append((name, value))
    return MediaRange(media_type.strip().lower(), tuple(read), quality)


def media_ranges(header: str | None) -> list[MediaRange]:
    """Every entry of an Accept header (none when it is absent)."""
    return [media_range(entry) for entry in header.split(",")] if header else []


def jsonapi_acceptable(accept: str) -> bool:
    """False only when every JSON:API entry of Accept has parameters we cannot honour."""
    jsonapi = [entry for entry in media_ranges(accept) if entry.is_jsonapi]
    return not jsonapi or any(entry.jsonapi_can_honour() for entry in jsonapi)


def requested_profiles(accept: str | None) -> frozenset[str]:
    """The profile URIs the JSON:API entries of Accept ask the server to apply (JSON:API 1.1, "Profiles").

    An entry with q=0 asks for nothing. URIs are read as given; the caller decides which it knows.
    """
    return frozenset(
        uri
        for entry in media_ranges(accept)
        if entry.is_jsonapi and not entry.refused
        for name, value in entry.parameters
        if name == "profile"
        for uri in value.split()
    )


def asks_for_profile(accept: str | None, profile: str) -> bool:
    """Whether Accept asks for `profile` (its URI over http or https, with or without the final slash)."""
    return any(_bare(uri) == _bare(profile) for uri in requested_profiles(accept))


def _bare(uri: str) -> str:
    return uri.removeprefix("https://").removeprefix("http://").rstrip("/")


def quality_of(media_type: str, entries: list[MediaRange]) -> float:
    """The quality Accept's `entries` (`media_ranges`, read once) give `media_type`: that of its most specific
    entry (RFC 9110, 12.5.1); 1 without Accept. A JSON:API entry whose parameters cannot be honoured counts
    as refusing it."""
    if not entries:
        return 1.0
    ranked = [
        (specificity, entry.quality if entry.jsonapi_can_honour() else 0.0)
        for entry in entries
        if (specificity := entry.specificity(media_type))
    ]
    return max(ranked)[1] if ranked else 0.0


def _quality(value: str) -> float:
    """A qvalue (RFC 9110: 0 to 1, at most three decimals); one that cannot be read counts as 1."""
    try:
        quality = float(value)
    except ValueError:
        return 1.0
    return quality if 0 <= quality <= 1 else 1.0
