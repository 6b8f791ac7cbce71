"""Small edges of the API surface: 401 challenges, trailing slashes, the page-size default."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tracking_mock import limits
from tracking_mock.models import ListQuery

from .helpers import AUTH


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Bearer nope"}, id="unknown-key"),
        pytest.param({"Authorization": "Basic abc"}, id="not-bearer"),
    ],
)
def test_401_carries_a_bearer_challenge(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/tracking/events", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/tracking/events/"),
        ("POST", "/tracking/events/"),
        ("GET", "/events/"),
        ("GET", "/_mock/health/"),
    ],
)
def test_trailing_slash_paths_are_404_in_the_envelope_not_redirects(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(
        method, path, headers={**AUTH, "Host": "localhost"}, follow_redirects=False
    )
    assert response.status_code == 404
    assert "location" not in response.headers
    message = f"not found: no route for {method} {path}"
    assert response.json() == {"success": False, "error": message}


def test_the_page_size_default_has_one_home(client: TestClient) -> None:
    assert ListQuery().limit == limits.LIST_LIMIT_DEFAULT
    for n in range(limits.LIST_LIMIT_DEFAULT + 5):
        client.post("/tracking/events", json={"eventName": "a", "value": n}, headers=AUTH)
    bare = client.get("/tracking/events", headers=AUTH).json()["data"]["nodes"]
    filtered = client.get("/tracking/events?eventName=a", headers=AUTH).json()["data"]["nodes"]
    assert len(bare) == len(filtered) == limits.LIST_LIMIT_DEFAULT
