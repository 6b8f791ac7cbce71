from __future__ import annotations

from starlette.testclient import TestClient

from tracking_mock import DEFAULT_API_KEY, create_app


def test_default_key_lists_the_bundled_events() -> None:
    client = TestClient(create_app())
    response = client.get("/tracking/events", headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"})
    assert response.status_code == 200
    assert response.json()["data"]["totalCount"] == 2
