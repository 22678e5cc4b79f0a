"""Response helpers shared by the views."""

from __future__ import annotations

import orjson
from flask import Response


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def json_response(data: object, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status=status, content_type="application/json;charset=utf-8")


def empty_response(status: int = 204) -> Response:
    return Response(b"", status=status)
