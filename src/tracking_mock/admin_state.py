"""The ``/_mock`` endpoints that save and bring back state: snapshots and fixture export."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .admin import _account, _body, _ok
from .endpoints import mock_state
from .errors import BadRequest
from .fixture_writer import fixture_yaml

YAML_MEDIA_TYPE = "application/yaml"


async def snapshots(request: Request) -> Response:
    """POST ``{"name"?, "account"?}`` takes a snapshot (201); GET lists them, oldest first."""
    state = mock_state(request)
    if request.method == "GET":
        nodes = [snapshot.summary() for snapshot in state.snapshots.all()]
        return _ok({"nodes": nodes, "totalCount": len(nodes)})
    body = await _body(request, state)
    unknown = set(body) - {"name", "account"}
    if unknown:
        raise BadRequest(f"unknown field {sorted(unknown)[0]!r} (allowed: account, name)")
    name, account = body.get("name"), body.get("account")
    if not isinstance(name, str | None) or not isinstance(account, str | None):
        raise BadRequest("name and account must be strings")
    snapshot = state.snapshots.take(state.store, name, account)
    return _ok(snapshot.summary(), status=201)


async def snapshot(request: Request) -> Response:
    """DELETE ``/_mock/snapshots/{name}``: forget it."""
    state = mock_state(request)
    name = request.path_params["name"]
    state.snapshots.delete(name)
    return _ok({"deleted": name})


async def restore(request: Request) -> Response:
    """POST ``/_mock/snapshots/{name}/restore`` (body ``{}``): its accounts as they were."""
    state = mock_state(request)
    body = await _body(request, state)
    if body:
        raise BadRequest("restore takes an empty object as its body")
    restored = state.snapshots.restore(state.store, request.path_params["name"])
    return _ok({"restored": restored.name, **restored.summary()})


async def export(request: Request) -> Response:
    """GET ``/_mock/accounts/{name}/export[?keys=true]``: the account as a fixture file (YAML)."""
    state = mock_state(request)
    name = request.path_params["name"]
    _account(state, name)
    keys = request.query_params.get("keys", "false")
    if keys not in ("true", "false"):
        raise BadRequest("keys must be true or false")
    (account_state,) = state.store.account_states(name)
    header = f"# tracking-mock export of account {name!r}; load it with --fixtures.\n"
    if keys == "false":
        header += "# Keys are left out: add `keys: [...]` (or export with ?keys=true).\n"
    text = fixture_yaml([account_state.spec], keys=keys == "true", header=header)
    return Response(
        text,
        media_type=YAML_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.yaml"'},
    )
