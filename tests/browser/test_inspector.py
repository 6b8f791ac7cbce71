"""The inspector at /_mock/ui in headless chromium, against a real server on a free port."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from .conftest import SHOP_KEY, Served, Watched

LIVE_MS = 1_000
"""A call must show up this soon after it was answered, without a reload."""
STEP_TIMEOUT = 5_000


def open_inspector(watched: Watched, served: Served, suffix: str = "") -> Page:
    page = watched.page
    page.goto(f"{served.url}/_mock/ui{suffix}")
    expect(page.locator("#live")).to_have_text("live")
    return page


def post(served: Served, body: dict[str, Any], key: str = "sk_test_default") -> httpx.Response:
    return httpx.post(
        f"{served.url}/tracking/events",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )


def rows(page: Page) -> Any:
    return page.locator("#calls tbody tr")


def test_the_page_loads_without_console_errors(watched: Watched, served: Served) -> None:
    page = open_inspector(watched, served)
    expect(page.locator("#calls-empty")).to_be_visible()
    expect(page.locator(".tabs button[aria-selected=true]")).to_have_text("Calls")
    assert watched.errors == []


def test_a_post_appears_without_a_reload(watched: Watched, served: Served) -> None:
    page = open_inspector(watched, served)
    page.evaluate("window.notReloaded = true")
    assert post(served, {"eventName": "Signups", "value": 0, "userId": "u1"}).status_code == 200
    row = rows(page).first
    expect(row).to_contain_text("POST", timeout=LIVE_MS)
    expect(row).to_contain_text("/tracking/events")
    expect(row.locator(".status")).to_have_text("200")
    assert page.evaluate("window.notReloaded") is True
    assert watched.errors == []


def test_a_delayed_call_shows_as_pending_then_completes(watched: Watched, served: Served) -> None:
    served.state.store.account("default").faults.delay_next(1.5)
    page = open_inspector(watched, served)
    answers: list[httpx.Response] = []
    caller = threading.Thread(
        target=lambda: answers.append(post(served, {"eventName": "a", "value": 1}))
    )
    caller.start()
    status = rows(page).first.locator(".status")
    expect(status).to_have_text("pending")
    expect(status).to_have_text("200", timeout=STEP_TIMEOUT)
    caller.join(10)
    assert answers[0].status_code == 200


def test_the_detail_view_shows_bodies_and_warnings(watched: Watched, served: Served) -> None:
    post(served, {"eventName": "Purchase", "value": 3, "metadata": {"amount": 12}})
    page = open_inspector(watched, served)
    rows(page).first.click()
    detail = page.locator("#detail")
    expect(detail.locator("pre[data-part=request]")).to_contain_text('"amount": 12')
    expect(detail.locator("pre[data-part=response]")).to_contain_text('"success": true')
    expect(detail.locator(".warnings li")).to_contain_text("metadata-number")
    expect(detail.locator(".warnings li")).to_contain_text("is a number")
    expect(detail.locator(".headers")).to_contain_text("Bearer [redacted]")
    assert "sk_test_default" not in detail.inner_text()


def test_copy_as_curl_replays_to_the_same_status(watched: Watched, served: Served) -> None:
    post(served, {"eventName": "Clicks", "value": 1, "colour": "it's red"})
    page = open_inspector(watched, served)
    rows(page).first.click()
    page.get_by_role("button", name="Copy as curl").click()
    command = page.locator("#detail pre.copied").inner_text()
    assert "sk_test_default" not in command
    replay = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, "TRACKING_KEY": "sk_test_default"},
        check=True,
    )
    assert replay.stdout.splitlines()[0].split()[1] == "200"
    expect(rows(page)).to_have_count(2)
    expect(rows(page).first.locator(".badge.warn")).to_have_text("unknown-field")
    page.get_by_role("button", name="Copy as a pytest assertion").click()
    expect(page.locator("#detail pre.copied")).to_have_text(
        'tracking_server.assert_called("POST", "/tracking/events", status=200)\n'
        'tracking_server.assert_event("Clicks", value=1)'
    )


def test_filters_narrow_the_list_and_survive_a_reload(watched: Watched, served: Served) -> None:
    post(served, {"eventName": "a", "value": 1})
    httpx.get(f"{served.url}/tracking/events", headers=served.auth, timeout=10)
    post(served, {"eventName": "b", "value": 1}, key=SHOP_KEY)
    page = open_inspector(watched, served)
    expect(rows(page)).to_have_count(3)
    page.select_option("#call-filters select[name=method]", "POST")
    expect(rows(page)).to_have_count(2)
    page.select_option("#call-filters select[name=account]", "default")
    expect(rows(page)).to_have_count(1)
    assert re.search(r"[?&]method=POST(&|$)", page.url)
    page.reload()
    expect(page.locator("#call-filters select[name=method]")).to_have_value("POST")
    expect(page.locator("#call-filters select[name=account]")).to_have_value("default")
    expect(rows(page)).to_have_count(1)
    page.fill("#call-filters input[name=q]", "no such text")
    expect(rows(page)).to_have_count(0)


def test_reset_empties_an_account(watched: Watched, served: Served) -> None:
    post(served, {"eventName": "a", "value": 1}, key=SHOP_KEY)
    post(served, {"eventName": "b", "value": 2}, key=SHOP_KEY)
    page = open_inspector(watched, served, "?tab=accounts")
    shop = page.locator("#accounts tr[data-account=api-key-1]")
    expect(shop.locator("td").nth(1)).to_have_text("2")
    shop.get_by_role("button", name="Reset").click()
    expect(shop.locator("td").nth(1)).to_have_text("0")
    expect(shop.locator("td").nth(2)).to_have_text("0")
    assert served.state.store.events("api-key-1") == []
    assert watched.errors == []


def test_a_hostile_event_name_renders_as_text(watched: Watched, served: Served) -> None:
    probe = "<img src=x onerror=alert(1)>"
    post(served, {"eventName": probe, "value": 1})
    page = open_inspector(watched, served)
    rows(page).first.click()
    expect(page.locator("#detail pre[data-part=request]")).to_contain_text(probe)
    page.get_by_role("tab", name="Events").click()
    expect(page.locator("#events tbody tr").first).to_contain_text(probe)
    assert page.locator("img").count() == 0
    assert watched.dialogs == []


def test_the_admin_token_from_the_fragment_goes_in_a_header(
    watched: Watched, served: Served
) -> None:
    page = watched.page
    sent: list[tuple[str, str | None]] = []
    page.on("request", lambda r: sent.append((r.url, r.headers.get("x-admin-token"))))
    open_inspector(watched, served, "#token=s3cret")
    assert "token" not in page.url
    tokens = [token for url, token in sent if "/_mock/ui/api/" in url]
    assert len(tokens) >= 2  # the reads and the live stream
    assert set(tokens) == {"s3cret"}
