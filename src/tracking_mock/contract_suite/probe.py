"""The HTTP side of the contract suite: one client, one key, and short descriptions of answers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from ..settings import admin_token_headers

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Answer:
    """One response: status, parsed JSON body (``None`` if not JSON), raw text and headers."""

    status: int
    body: Any
    text: str
    headers: dict[str, str]

    def describe(self, width: int = 160) -> str:
        """The status and a one-line, truncated body, for the report."""
        shown = self.text if self.body is None else json.dumps(self.body, ensure_ascii=False)
        if len(shown) > width:
            shown = shown[: width - 1] + "…"
        return f"{self.status} {shown}"

    @property
    def data(self) -> Any:
        """``body["data"]`` of a success envelope, else ``None``."""
        return self.body.get("data") if isinstance(self.body, dict) else None


def _pairs(
    params: Sequence[tuple[str, str]] | Mapping[str, str] | None,
) -> tuple[tuple[str, str], ...] | None:
    if params is None:
        return None
    return tuple(params.items()) if isinstance(params, Mapping) else tuple(params)


class Probe:
    """Sends requests to one base URL with one client key (``key=None`` sends no header)."""

    def __init__(
        self, url: str, key: str, *, timeout: float = 10.0, admin_token: str | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.key = key
        self._admin_headers = admin_token_headers(admin_token)
        """Sent on every ``/_mock`` call, for a mock started with ``--admin-token``."""
        self._client = httpx.Client(base_url=self.url, timeout=timeout, follow_redirects=False)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        key: object = _MISSING,
        json_body: Any = _MISSING,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
    ) -> Answer:
        """Send one request; ``key`` defaults to the probe's key."""
        sent_headers = dict(headers or {})
        if path.startswith("/_mock"):
            sent_headers.update(self._admin_headers)
        chosen = self.key if key is _MISSING else key
        if isinstance(chosen, str) and "authorization" not in {h.lower() for h in sent_headers}:
            sent_headers["Authorization"] = f"Bearer {chosen}"
        if json_body is not _MISSING:
            content = json.dumps(json_body).encode()
            sent_headers.setdefault("Content-Type", "application/json")
        response = self._client.request(
            method,
            path,
            content=content,
            headers=sent_headers,
            params=_pairs(params),
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        return Answer(response.status_code, body, response.text, dict(response.headers))

    def get(self, path: str, **kwargs: Any) -> Answer:
        """``GET path``; see ``request``."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        """``POST path``; see ``request``."""
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Answer:
        """``PUT path``; see ``request``."""
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        """``DELETE path``; see ``request``."""
        return self.request("DELETE", path, **kwargs)
