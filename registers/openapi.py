"""The OpenAPI 3.1 description of the registers' open data, served at
``/api/registers/v1/openapi.json`` (README: "Open data of the registers")."""

from __future__ import annotations

from registers.api import CSV_COLUMNS
from registers.selectors import API_MAX_PAGE_SIZE, API_PAGE_SIZE, SORTS, STATUSES, registers


def _param(name: str, description: str, schema: dict, *, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


def openapi_document(*, server: str) -> dict:
    codes = [item.code for item in registers()]
    filters = [
        _param(
            "q",
            "Words of the name (case-insensitive, partial words, Kazakh and Russian "
            "letters) or a BIN/IIN (12 digits, exact).",
            {"type": "string"},
        ),
        _param("region", "Region id (see /registers/ pages' filter).", {"type": "integer"}),
        _param(
            "kind",
            "Classifier code of a kind of goods or services; a group's code covers its items.",
            {"type": "string"},
        ),
        _param(
            "status",
            "Derived from the dates.",
            {"type": "string", "enum": list(STATUSES), "default": "active"},
        ),
        _param("sort", "Order.", {"type": "string", "enum": list(SORTS), "default": "name"}),
    ]
    limit = _param(
        "limit",
        "Rows per page.",
        {"type": "integer", "minimum": 1, "maximum": API_MAX_PAGE_SIZE, "default": API_PAGE_SIZE},
    )
    cursor = _param("cursor", "The next_cursor of the previous page.", {"type": "string"})
    entry = {
        "type": "object",
        "properties": {
            name: {"type": ["array"], "items": {"type": "string"}}
            if name == "kinds"
            else {"type": ["integer"]}
            if name == "id"
            else {"type": ["string", "null"]}
            for name in CSV_COLUMNS
        },
    }
    error = {
        "type": "object",
        "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
    }
    limited = {
        "description": "Too many requests from this client; see Retry-After.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    json_of = lambda ref: {"application/json": {"schema": ref}}  # noqa: E731
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Social Services Portal: public registers of suppliers",
            "version": "1",
            "description": "Read-only open data of the registers of suppliers admitted to the "
            "Social Services Portal (rules of 2022 p.17-18; 2020 p.14, p.19). Only entries "
            "whose supplier consented to publication with EDS are served (2022 p.18). "
            "Responses carry ETag and Last-Modified; send If-None-Match for 304. Rate "
            "limited per client (429 with Retry-After).",
        },
        "servers": [{"url": server}],
        "paths": {
            "/api/registers/v1/registers": {
                "get": {
                    "summary": "The registers, by their names in the rules",
                    "responses": {"200": {"description": "Registers"}, "429": limited},
                }
            },
            "/api/registers/v1/registers/{code}/entries": {
                "get": {
                    "summary": "Entries of a register, with filters and cursor pages",
                    "parameters": [
                        _param(
                            "code",
                            "Register code.",
                            {"type": "string", "enum": codes},
                            where="path",
                        ),
                        *filters,
                        limit,
                        cursor,
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of entries",
                            "content": json_of(
                                {
                                    "type": "object",
                                    "properties": {
                                        "entries": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Entry"},
                                        },
                                        "next_cursor": {"type": ["string", "null"]},
                                        "next": {"type": ["string", "null"]},
                                    },
                                }
                            ),
                        },
                        "304": {"description": "Not modified since the ETag sent"},
                        "400": {
                            "description": "Bad limit or cursor",
                            "content": json_of({"$ref": "#/components/schemas/Error"}),
                        },
                        "404": {"description": "No such register"},
                        "429": limited,
                    },
                }
            },
            "/api/registers/v1/suppliers/{bin_iin}": {
                "get": {
                    "summary": "Every published entry of one supplier by BIN/IIN, with its history",
                    "parameters": [
                        _param(
                            "bin_iin",
                            "BIN or IIN, 12 digits.",
                            {"type": "string", "pattern": "^[0-9]{12}$"},
                            where="path",
                        )
                    ],
                    "responses": {
                        "200": {"description": "The supplier's entries"},
                        "404": {"description": "No published entry"},
                        "429": limited,
                    },
                }
            },
            "/api/registers/v1/changes": {
                "get": {
                    "summary": "Change feed, oldest change first",
                    "description": "Entries changed since updated_since, or after cursor. The feed "
                    "serves only changes older than its watermark (the start of the oldest "
                    "transaction still writing entries, less a settle margin), so a change "
                    "committed out of timestamp order is served late, never skipped. Always "
                    "follow next_cursor; "
                    "an empty page still returns one.",
                    "parameters": [
                        _param(
                            "updated_since",
                            "ISO 8601 moment with a time zone.",
                            {"type": "string", "format": "date-time"},
                        ),
                        cursor,
                        limit,
                    ],
                    "responses": {
                        "200": {
                            "description": "Changes",
                            "content": json_of(
                                {
                                    "type": "object",
                                    "properties": {
                                        "changes": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Entry"},
                                        },
                                        "next_cursor": {"type": "string"},
                                        "next": {"type": "string"},
                                        "watermark": {"type": "string", "format": "date-time"},
                                    },
                                }
                            ),
                        },
                        "400": {"description": "Bad parameter"},
                        "429": limited,
                    },
                }
            },
            "/registers/{code}/export.csv": {
                "get": {
                    "summary": "The whole register as CSV (UTF-8, streamed, the page's filters)",
                    "parameters": [
                        _param(
                            "code",
                            "Register code.",
                            {"type": "string", "enum": codes},
                            where="path",
                        ),
                        *filters,
                    ],
                    "responses": {
                        "200": {
                            "description": "CSV with the columns of Entry",
                            "content": {"text/csv": {}},
                        },
                        "429": limited,
                    },
                }
            },
            "/registers/{code}/export.json": {
                "get": {
                    "summary": "The whole register as JSON (streamed, the page's filters)",
                    "parameters": [
                        _param(
                            "code",
                            "Register code.",
                            {"type": "string", "enum": codes},
                            where="path",
                        ),
                        *filters,
                    ],
                    "responses": {
                        "200": {"description": "{register, entries: [Entry]}"},
                        "429": limited,
                    },
                }
            },
        },
        "components": {"schemas": {"Entry": entry, "Error": error}},
    }
