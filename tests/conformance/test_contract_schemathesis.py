"""Schemathesis, all checks, in process against the ASGI app, seeded and bounded for CI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tests.budgets import examples, full_profile

from tracking_mock import DEFAULT_API_KEY, Settings, create_app, mock_state_of
from tracking_mock.coupons import coupons_of
from tracking_mock.models import AccountSpec, EventFields, SeedEvent
from tracking_mock.seed import Seed

KNOWN_EVENT_ID = "evt_known_cursor"
KNOWN_CAMPAIGN = "cmp_known"
SEED = Seed(
    accounts=(
        AccountSpec(
            name="default",
            keys=(DEFAULT_API_KEY,),
            campaigns={KNOWN_CAMPAIGN: coupons_of(KNOWN_CAMPAIGN, ["SALE1", "SALE2", "SALE3"])},
            metrics={"Purchases": "met_purchases"},
            events=(
                SeedEvent(EventFields("Purchases", 250, transaction_id="txn_1"), KNOWN_EVENT_ID),
                SeedEvent(EventFields("Signups", 0, user_id="user_1")),
            ),
        ),
    ),
    files=(),
)
# Two configurable caps are limits of the whole request that a schema cannot state: a body
# over 1 MiB is valid by the schema (50 keys x 100 items x 256 characters), and so are more
# than 64 query parameters in all (eventName and value repeat). Raise both, so schemathesis
# does not count the mock's 413 and 400 for them as rejected valid input.
APP_SETTINGS = Settings(max_body_bytes=64 * 1024 * 1024, max_query_params=100_000)


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": 20260101,
            "headers": {"Authorization": f"Bearer {DEFAULT_API_KEY}"},
            "generation": {"max-examples": examples(60), "database": "none"},
        }
    )


app = create_app(APP_SETTINGS, seed=SEED)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=_config())


def reachable_values(target: Starlette) -> Callable[[Any, Case[Any]], Case[Any]]:
    """A ``map_case`` hook: positive cases use real cursors and, half the time, a real campaign.

    A random ``startingAfter`` is valid by the schema but names no event (400 by design),
    so it becomes an existing id; ids that links carried over are left as they are.
    """

    def map_case(context: Any, case: Case[Any]) -> Case[Any]:
        positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
        if not positive:
            return case
        cursor = case.query.get("startingAfter") if isinstance(case.query, dict) else None
        if isinstance(cursor, str):
            known = {event.id for event in mock_state_of(target).store.events("default")}
            if cursor not in known:
                case.query["startingAfter"] = KNOWN_EVENT_ID
        campaign = (case.path_parameters or {}).get("campaign_id")
        if case.path_parameters and campaign is not None and len(str(campaign)) % 2 == 0:
            case.path_parameters["campaign_id"] = KNOWN_CAMPAIGN
        return case

    return map_case


schema.hook("map_case")(reachable_values(app))


@schema.parametrize()
@settings(
    max_examples=examples(60),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case: Case[Any]) -> None:
    case.call_and_validate()


admin_app = create_app(APP_SETTINGS, seed=SEED)
# Faults may be queued here: only API routes apply them, and this app only sees /_mock. Two
# checks are off for the admin surface only: which account names, keys, coupons and event ids are
# taken decides acceptance there, and a schema cannot say "unique across the store".
admin_schema = schemathesis.openapi.from_asgi(
    "/_mock/openapi.json",
    admin_app,
    config=schemathesis.Config.from_dict(
        {
            "seed": 20260101,
            "generation": {"max-examples": examples(15), "database": "none"},
            # The coverage phase's boundary cases for ~30 admin operations take seconds to
            # build in every process: the full profile runs them, the fast one does not.
            "phases": {"coverage": {"enabled": full_profile()}},
            "checks": {
                "positive_data_acceptance": {"enabled": False},
                "negative_data_rejection": {"enabled": False},
            },
        }
    ),
).exclude(path="/_mock/ui/api/stream")  # an endless event stream: tested on its own


@admin_schema.parametrize()
@settings(
    max_examples=examples(15),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_admin_surface_conforms_to_its_openapi_document(case: Case[Any]) -> None:
    mock_state_of(admin_app).store.reset()
    case.call_and_validate()


async def _schema_violating_list(request: Request) -> JSONResponse:
    return JSONResponse({"success": True, "data": {"nodes": [], "totalCount": "none"}})


def _broken_app() -> Starlette:
    """The mock with one endpoint answering a body its own document forbids."""
    broken = create_app(APP_SETTINGS, seed=SEED)
    broken.router.routes.insert(
        0, Route("/tracking/events", _schema_violating_list, methods=["GET"])
    )
    return broken


def test_schemathesis_reports_a_broken_app() -> None:
    broken_schema = schemathesis.openapi.from_asgi("/openapi.json", _broken_app(), config=_config())
    operation = broken_schema["/tracking/events"]["GET"]
    failures: list[Failure] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=5, derandomize=True, database=None, deadline=None)
    def run(case: Case[Any]) -> None:
        try:
            case.call_and_validate()
        except FailureGroup as group:
            failures.extend(group.exceptions)
            raise

    with pytest.raises(FailureGroup):
        run()
    assert any("totalCount" in str(f) or "none" in str(f) for f in failures), failures


stateful_app = create_app(APP_SETTINGS, seed=SEED)
stateful_schema = schemathesis.openapi.from_asgi("/openapi.json", stateful_app, config=_config())
stateful_schema.hook("map_case")(reachable_values(stateful_app))


class APIWorkflows(stateful_schema.as_state_machine()):  # type: ignore[misc]
    """Every scenario starts from the seed: Hypothesis replays a failing one to shrink it,
    and a replay must meet the state the first run met, or it reports a flaky strategy
    instead of the failure."""

    def setup(self) -> None:
        mock_state_of(stateful_app).store.reset()
        mock_state_of(stateful_app).journal.clear()


APIWorkflows.TestCase.settings = settings(
    max_examples=examples(40),
    stateful_step_count=8,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
test_api_workflows_follow_the_documented_links = APIWorkflows.TestCase
