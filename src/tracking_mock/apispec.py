"""The API's contract, described once: the Event's fields, the list parameters, the errors.

Pure data. Validation, the OpenAPI documents, event rendering, the pytest plugin, the
contract suite and the tests of ``docs/fidelity.md`` all read their field lists and limits
from here, so a limit or a field changes in one place (and in ``limits.py`` for the number).
``source`` says where a rule comes from: ``doc`` (the public docs state it) or ``decision``
(the docs are silent and this is the mock's own choice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import limits

Kind = Literal["text", "number", "metadata", "date-time"]
Source = Literal["doc", "decision"]
Input = Literal["required", "optional", "update", "none"]
"""How a body may send a field: ``required`` and ``optional`` on create and update,
``update`` only to name the event an update changes, ``none`` never (server-set)."""


@dataclass(frozen=True, slots=True)
class EventField:
    """One field of the Event object, as the API writes it and as a body may send it."""

    name: str
    """The JSON name (camelCase)."""
    attr: str
    """The attribute on ``models.Event`` (and ``models.EventFields`` when a body sends it)."""
    kind: Kind
    input: Input
    source: Source
    description: str
    """What the OpenAPI documents say of it; a text field's length limit is added from
    ``max_chars``."""
    max_chars: int | None = None
    """For text: the most characters a body may send (code points)."""
    nullable: bool = True
    """``null`` in the Event when not sent (every field is always present)."""
    hashable: bool = False
    """Oppizi hashes it [doc]; the mock returns its SHA-256 hex with ``--hash-ids``."""

    @property
    def sendable(self) -> bool:
        """Whether a create body may send it."""
        return self.input in ("required", "optional")


_TEXT = limits.STRING_FIELD_MAX_CHARS
"""The mock's own length limit for the Event's text fields (the docs give none)."""


def _optional_text(name: str, attr: str, description: str, *, hashable: bool = False) -> EventField:
    """An optional string a body may send [doc], of at most ``_TEXT`` characters."""
    return EventField(
        name, attr, "text", "optional", "doc", description, max_chars=_TEXT, hashable=hashable
    )


EVENT_FIELDS: tuple[EventField, ...] = (
    EventField(
        "id",
        "id",
        kind="text",
        input="update",
        source="decision",
        description="Server-generated and opaque [decision].",
        max_chars=_TEXT,
        nullable=False,
    ),
    EventField(
        "eventName",
        "event_name",
        kind="text",
        input="required",
        source="doc",
        description="Required [doc].",
        max_chars=_TEXT,
        nullable=False,
    ),
    EventField(
        "value",
        "value",
        kind="number",
        input="required",
        source="doc",
        description="Required [doc]; beyond +-(2^53-1) is refused [decision].",
        nullable=False,
    ),
    _optional_text("transactionId", "transaction_id", "Optional [doc].", hashable=True),
    _optional_text("currency", "currency", "A 3-letter code [doc]; others are flagged [decision]."),
    _optional_text("userId", "user_id", "Optional [doc].", hashable=True),
    EventField(
        "campaignId",
        "campaign_id",
        kind="text",
        input="none",
        source="doc",
        description="The campaign of the event's coupon, from the account's lookup table "
        "[decision].",
    ),
    EventField(
        "metricId",
        "metric_id",
        kind="text",
        input="none",
        source="doc",
        description="The metric of the event's name, from the account's lookup table [decision].",
    ),
    _optional_text("coupon", "coupon", "Optional [doc]; resolves campaignId [decision]."),
    EventField(
        "metadata",
        "metadata",
        kind="metadata",
        input="optional",
        source="doc",
        description=(
            f"At most {limits.METADATA_MAX_ENTRIES} entries, keys of at most "
            f"{limits.METADATA_KEY_MAX_CHARS} characters [doc]."
        ),
    ),
    EventField(
        "createdAt",
        "created_at",
        kind="date-time",
        input="none",
        source="doc",
        description="ISO-8601 [doc]; server time, UTC with milliseconds [decision].",
        nullable=False,
    ),
)
"""In the order the API writes them."""

FIELDS = {field.name: field for field in EVENT_FIELDS}
EVENT_FIELD_NAMES = tuple(FIELDS)
HASHABLE_FIELDS = tuple(f.name for f in EVENT_FIELDS if f.hashable)
REQUIRED_FIELDS = tuple(f.name for f in EVENT_FIELDS if f.input == "required")
CREATE_FIELDS = tuple(f.name for f in EVENT_FIELDS if f.sendable)
"""What a create body may send and the Event stores, in the Event's order."""
UPDATE_FIELDS = CREATE_FIELDS + tuple(f.name for f in EVENT_FIELDS if f.input == "update")
OPTIONAL_TEXT_FIELDS = tuple(f for f in EVENT_FIELDS if f.input == "optional" and f.kind == "text")
"""transactionId, currency, userId, coupon: optional strings of at most ``max_chars``."""
UNSTORED_INPUT = ("type",)
"""Checked, never stored: the conversion recipe's ``type`` (the Event has no such field)."""


@dataclass(frozen=True, slots=True)
class ListParameter:
    """One query parameter of ``GET /tracking/events``."""

    name: str
    kind: Literal["integer", "text", "number"]
    repeatable: bool
    source: Source
    description: str
    minimum: int | None = None
    maximum: int | None = None
    default: int | None = None
    min_chars: int | None = None
    max_chars: int | None = None


LIST_PARAMETERS: tuple[ListParameter, ...] = (
    ListParameter(
        "limit",
        "integer",
        repeatable=False,
        source="doc",
        description=(
            f"Page size [doc]; outside {limits.LIST_LIMIT_MIN}..{limits.LIST_LIMIT_MAX} "
            "or not an integer: 400 [decision]."
        ),
        minimum=limits.LIST_LIMIT_MIN,
        maximum=limits.LIST_LIMIT_MAX,
        default=limits.LIST_LIMIT_DEFAULT,
    ),
    ListParameter(
        "startingAfter",
        "text",
        repeatable=False,
        source="decision",
        description=(
            "The id of the last node of the previous page [decision]; unknown or "
            "another account's: 400."
        ),
        min_chars=1,
        max_chars=FIELDS["id"].max_chars,
    ),
    ListParameter(
        "eventName",
        "text",
        repeatable=True,
        source="doc",
        description="Exact, case-sensitive [doc]; repeat to match any of them [decision].",
        min_chars=1,
        max_chars=FIELDS["eventName"].max_chars,
    ),
    ListParameter(
        "value",
        "number",
        repeatable=True,
        source="doc",
        description="Numeric equality [doc]; repeatable [decision].",
        max_chars=limits.VALUE_FILTER_MAX_CHARS,
    ),
)
LIST_PARAMETER = {parameter.name: parameter for parameter in LIST_PARAMETERS}


def max_chars(bounded: EventField | ListParameter) -> int:
    """The most characters a body or query may send for ``bounded`` (only text is bounded)."""
    if bounded.max_chars is None:
        raise ValueError(f"{bounded.name} has no length limit")
    return bounded.max_chars


METADATA_FILTER_PREFIX = "metadata."
"""``metadata.KEY=v``: a parameter name with a free suffix, which OpenAPI cannot declare."""


@dataclass(frozen=True, slots=True)
class ErrorStatus:
    """A status an error answer may have, always in the error envelope."""

    status: int
    source: Source
    description: str


ERROR_STATUSES: tuple[ErrorStatus, ...] = (
    ErrorStatus(
        400,
        "decision",
        "Validation failed (missing field, wrong type, a limit, malformed JSON) [decision].",
    ),
    ErrorStatus(401, "doc", "Missing or malformed Authorization header, or an unknown key."),
    ErrorStatus(403, "doc", "A valid key that is not allowed."),
    ErrorStatus(404, "decision", "No such event or campaign in this account [decision]."),
    ErrorStatus(405, "decision", "A method the path does not serve [decision]."),
    ErrorStatus(413, "decision", "The body is larger than the configured size [decision]."),
    ErrorStatus(
        409,
        "decision",
        "The name, key or event id is taken already (admin surface), or the account was "
        "reset or deleted while the call was in flight: nothing was stored [decision].",
    ),
    ErrorStatus(415, "decision", "The body is not declared as UTF-8 JSON [decision]."),
    ErrorStatus(429, "doc", "Rate limit exceeded: back off and retry."),
    ErrorStatus(
        500, "decision", "A bug in the mock (it is logged and kept in /_mock/health's error count)."
    ),
    ErrorStatus(
        507,
        "decision",
        "The account holds the most events the mock allows (--max-events) [decision].",
    ),
)
