"""The admin surface against web pages, foreign Hosts and callers without the token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from tracking_mock import DEFAULT_API_KEY, Settings, create_app, mock_state_of
from tracking_mock.server import ServerThread

from .helpers import AUTH, EMPTY_SEED, MakeClient, state_of

TOKEN = "admin-s3cret"
EVENT = {"eventName": "Clicks", "value": 1}


def stored(client: TestClient) -> int:
    return state_of(client).store.counts()["default"]


@pytest.fixture
def with_event(client: TestClient) -> TestClient:
    assert client.post("/tracking/events", json=EVENT, headers=AUTH).status_code == 200
    return client


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        pytest.param(None, None, 400, id="no-body"),
        pytest.param(b"{}", "text/plain", 415, id="text-plain"),
        pytest.param(b"a=1", "application/x-www-form-urlencoded", 415, id="form"),
        pytest.param(b"--x--", "multipart/form-data; boundary=x", 415, id="multipart"),
        pytest.param(b"", "application/json", 400, id="json-but-empty"),
        pytest.param(b"[]", "application/json", 400, id="json-not-an-object"),
    ],
)
def test_a_web_pages_simple_request_cannot_reset_state(
    with_event: TestClient, content: bytes | None, content_type: str | None, status: int
) -> None:
    headers = {"Origin": "http://evil.example"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = with_event.post("/_mock/reset", content=content, headers=headers)
    assert response.status_code == status
    assert response.json()["success"] is False
    assert "access-control-allow-origin" not in response.headers
    assert stored(with_event) == 1
    assert with_event.post("/_mock/reset", json={}).status_code == 200
    assert stored(with_event) == 0


def test_admin_never_answers_a_preflight_with_cors(client: TestClient) -> None:
    response = client.options(
        "/_mock/reset",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 405
    assert not any(name.startswith("access-control") for name in response.headers)


@pytest.mark.parametrize(
    ("host", "settings", "status"),
    [
        pytest.param("evil.example", {}, 403, id="rebinding-name"),
        pytest.param("evil.example:8080", {}, 403, id="rebinding-name-port"),
        pytest.param("127.0.0.1.nip.io", {}, 403, id="name-resolving-to-loopback"),
        pytest.param("10.0.0.7:8080", {}, 403, id="foreign-address-bound-loopback"),
        pytest.param("localhost:8080", {}, 200, id="localhost"),
        pytest.param("127.0.0.1:8080", {}, 200, id="ipv4-loopback"),
        pytest.param("127.8.9.10", {}, 200, id="any-127"),
        pytest.param("[::1]:8080", {}, 200, id="ipv6-loopback"),
        pytest.param("mock.internal:80", {"allowed_hosts": ("mock.internal",)}, 200, id="allowed"),
        pytest.param("evil.example", {"allowed_hosts": ("*",)}, 200, id="star"),
        pytest.param("10.0.0.7:8080", {"host": "0.0.0.0"}, 200, id="address-bound-wide"),
        pytest.param("evil.example", {"host": "0.0.0.0"}, 403, id="name-bound-wide"),
        pytest.param("box.lan", {"host": "box.lan"}, 200, id="the-bound-name"),
    ],
)
def test_admin_answers_only_hosts_it_is_bound_to_or_told(
    make_client: MakeClient, host: str, settings: dict[str, object], status: int
) -> None:
    client = make_client(**settings)
    response = client.get("/_mock/calls", headers={"Host": host})
    assert response.status_code == status, response.text
    if status == 403:
        assert "--allowed-host" in response.json()["error"]
    api = client.get("/tracking/events", headers={**AUTH, "Host": host})
    assert api.status_code == 200  # the API needs its key, not a Host


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="none"),
        pytest.param({"Authorization": "Bearer wrong"}, 401, id="wrong"),
        pytest.param({"Authorization": f"Basic {TOKEN}"}, 401, id="not-bearer"),
        pytest.param({"Authorization": f"Bearer {DEFAULT_API_KEY}"}, 401, id="a-client-key"),
        pytest.param({"Authorization": f"Bearer {TOKEN}"}, 200, id="bearer"),
        pytest.param({"authorization": f"bearer  {TOKEN}"}, 200, id="bearer-any-case"),
        pytest.param({"X-Admin-Token": TOKEN}, 200, id="x-admin-token"),
    ],
)
@pytest.mark.parametrize("path", ["/_mock/health", "/_mock/calls", "/_mock/openapi.json"])
def test_with_a_token_every_admin_call_needs_it(
    make_client: MakeClient, headers: dict[str, str], status: int, path: str
) -> None:
    client = make_client(admin_token=TOKEN)
    response = client.get(path, headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json() == {"success": False, "error": response.json()["error"]}
        assert TOKEN not in response.text
    assert client.get("/tracking/events", headers=AUTH).status_code == 200


def test_without_the_token_no_key_can_be_taken_over(make_client: MakeClient) -> None:
    client = make_client(admin_token=TOKEN)
    assert client.delete("/_mock/accounts/default").status_code == 401
    taken = client.post("/_mock/accounts", json={"key": DEFAULT_API_KEY})
    assert taken.status_code == 401
    assert client.post("/tracking/events", json=EVENT, headers=AUTH).status_code == 200
    assert stored(client) == 1


@pytest.mark.parametrize(
    ("path", "origin", "allowed"),
    [
        pytest.param("/tracking/events", "http://app.example", True, id="api-listed-origin"),
        pytest.param("/tracking/events", "http://evil.example", False, id="api-other-origin"),
        pytest.param("/_mock/health", "http://app.example", False, id="admin-never"),
    ],
)
def test_cors_is_opt_in_and_for_the_api_only(
    make_client: MakeClient, path: str, origin: str, allowed: bool
) -> None:
    client = make_client(cors_origins=("http://app.example",))
    response = client.get(path, headers={**AUTH, "Origin": origin})
    assert response.status_code == 200
    assert (response.headers.get("access-control-allow-origin") == origin) is allowed
    preflight = client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert (preflight.status_code == 200) is allowed


def test_no_cors_by_default(client: TestClient) -> None:
    response = client.get("/tracking/events", headers={**AUTH, "Origin": "http://app.example"})
    assert "access-control-allow-origin" not in response.headers


@pytest.fixture
def served() -> Iterator[str]:
    app = create_app(Settings(port=0), seed=EMPTY_SEED)
    with ServerThread.for_settings(app, mock_state_of(app).settings) as server:
        yield server.url


def test_a_rebinding_page_cannot_read_calls_over_a_real_socket(served: str) -> None:
    httpx.post(f"{served}/tracking/events", json=EVENT, headers=AUTH, timeout=5)
    foreign = httpx.get(f"{served}/_mock/calls", headers={"Host": "evil.example"}, timeout=5)
    assert foreign.status_code == 403
    # The in-process client's name is no pass on a real connection.
    named = httpx.get(f"{served}/_mock/calls", headers={"Host": "testserver"}, timeout=5)
    assert named.status_code == 403
    assert "sk_test" not in foreign.text
    assert "Clicks" not in foreign.text
    own = httpx.get(f"{served}/_mock/calls", timeout=5)
    assert own.json()["data"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/_mock/ui", 200, id="page"),
        pytest.param("/_mock/ui/inspector.js", 200, id="file"),
        pytest.param("/_mock/ui/api", 401, id="api-root"),
        pytest.param("/_mock/ui/api/calls", 401, id="api"),
        pytest.param("/_mock/uiX", 401, id="not-the-page"),
    ],
)
def test_only_the_inspectors_page_and_files_skip_the_token(
    make_client: MakeClient, path: str, status: int
) -> None:
    client = make_client(admin_token=TOKEN)
    assert client.get(path).status_code == status
