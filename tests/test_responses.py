"""JSON answers: orjson bytes, and the same headers Starlette's generic response builds."""

from __future__ import annotations

import pytest
from starlette.responses import Response

from tracking_mock.responses import JSONResponse

CASES = {
    "200": (200, None),
    "400": (400, None),
    "401 with WWW-Authenticate": (401, {"WWW-Authenticate": "Bearer"}),
    "429 with Retry-After": (429, {"Retry-After": "3"}),
    "204 (no length)": (204, None),
    "explicit content-type": (200, {"Content-Type": "application/problem+json"}),
}


@pytest.mark.parametrize(("status", "headers"), CASES.values(), ids=CASES.keys())
def test_json_answers_carry_the_headers_starlette_would_build(
    status: int, headers: dict[str, str] | None
) -> None:
    answer = JSONResponse({"success": False, "error": "é"}, status_code=status, headers=headers)
    generic = Response(
        answer.body, status_code=status, headers=headers, media_type="application/json"
    )
    assert answer.body == '{"success":false,"error":"é"}'.encode()
    assert answer.raw_headers == generic.raw_headers
