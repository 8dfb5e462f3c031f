"""A stand-in DHIS2 server for the tests: a threaded HTTP server on localhost that takes
``POST /api/dataValueSets`` as DHIS2 does, a JSON data value set or ADX (``application/adx+xml``, checked
against the ADX schema), checks the payload's shape, and answers with a DHIS2 import summary
(a web message around an ImportSummary, as DHIS2 2.38 and later answer; 409 with conflicts for values it
refuses)."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import xmlschema

TOKEN = "d2pat_standin0000000000000000000000"
PERIOD = re.compile(r"^(\d{6}|\d{4}Q[1-4]|\d{4})$")
UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
ADX_SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("adx.xsd"))
ADX_NS = {"adx": "urn:ihe:qrph:adx:2015"}


class StandIn:
    def __init__(self, *, org_units: set[str], data_elements: set[str], counts: set[str] = frozenset()):
        self.org_units = org_units
        self.counts = counts  # data elements of counts: a published count is a multiple of 5
        self.data_elements = data_elements  # the server's metadata: any other is a conflict
        self.requests: list[dict] = []  # {"query": {...}, "body": {...}}
        self.problems: list[str] = []  # shape errors found in what was sent
        self.refuse_with: int | None = None  # answer every request with this HTTP status (401...)
        self.stored: dict[tuple, str] = {}
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                standin._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, handler, status: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    def _handle(self, handler) -> None:
        parts = urlsplit(handler.path)
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if handler.headers.get("Authorization") != f"ApiToken {TOKEN}" or self.refuse_with == 401:
            return self._answer(handler, 401, {"httpStatus": "Unauthorized", "httpStatusCode": 401,
                                               "status": "ERROR", "message": "Unauthorized"})  # fmt: skip
        if parts.path != "/api/dataValueSets":
            return self._answer(handler, 404, {"httpStatus": "Not Found", "httpStatusCode": 404, "status": "ERROR"})
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        kind = handler.headers.get("Content-Type", "")
        if kind.startswith("application/adx+xml"):
            body = self._read_adx(raw, query)
        else:
            if not kind.startswith("application/json"):
                self.problems.append(f"content type {kind!r} is neither JSON nor ADX")
            body = json.loads(raw)
        self.requests.append({"query": query, "body": body, "content_type": kind})
        self._check_shape(handler, query, body)
        conflicts, imported, updated = [], 0, 0
        for index, value in enumerate(body.get("dataValues", [])):
            if value.get("dataElement") not in self.data_elements:
                conflicts.append({"object": value.get("dataElement"), "objects": {"dataElement": value.get("dataElement")},
                                  "value": "Data element not found or not accessible", "errorCode": "E7610",
                                  "property": "dataElement", "indexes": [index]})  # fmt: skip
                continue
            if value.get("orgUnit") not in self.org_units:
                conflicts.append({"object": value.get("orgUnit"), "value": "Organisation unit not found or not accessible",
                                  "errorCode": "E7612", "property": "orgUnit", "indexes": [index]})  # fmt: skip
                continue
            key = (value["dataElement"], value.get("categoryOptionCombo", ""), value["orgUnit"], value["period"])
            if key in self.stored:
                updated += 1
            else:
                imported += 1
            if query.get("dryRun") != "true":
                self.stored[key] = value["value"]
        status = "WARNING" if conflicts else "SUCCESS"
        summary = {"responseType": "ImportSummary", "status": status,
                   "importOptions": {"dryRun": query.get("dryRun") == "true"},
                   "description": "Import process completed successfully" if not conflicts else "Import with conflicts",
                   "importCount": {"imported": imported, "updated": updated, "ignored": len(conflicts), "deleted": 0},
                   "conflicts": conflicts, "rejectedIndexes": [i for c in conflicts for i in c["indexes"]],
                   "dataSetComplete": "false"}  # fmt: skip
        if conflicts:
            message = {"httpStatus": "Conflict", "httpStatusCode": 409, "status": "WARNING",
                       "message": "One more conflicts encountered, please check import summary.", "response": summary}  # fmt: skip
            return self._answer(handler, 409, message)
        return self._answer(handler, 200, {"httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
                                           "message": "Import was successful.", "response": summary})  # fmt: skip

    def _read_adx(self, raw: bytes, query: dict) -> dict:
        """An ADX message, checked against the ADX schema, read into the data values DHIS2 would import: the
        group's period (``2025-03-01/P1M``) in DHIS2's own format, UIDs as identifiers (``idScheme=UID``)."""
        try:
            ADX_SCHEMA.validate(raw.decode())
        except xmlschema.XMLSchemaException as error:
            self.problems.append(f"ADX not valid: {error.__class__.__name__}")
        if query.get("idScheme") != "UID":
            self.problems.append("ADX without idScheme=UID: DHIS2 would read the identifiers as codes")
        values = []
        for group in ElementTree.fromstring(raw).findall("adx:group", ADX_NS):  # noqa: S314 - a test's own input
            start, _slash, duration = group.get("period", "").partition("/")
            period = {"P1M": start[:4] + start[5:7], "P3M": f"{start[:4]}Q{(int(start[5:7]) + 2) // 3}",
                      "P1Y": start[:4]}.get(duration, group.get("period"))  # fmt: skip
            for value in group.findall("adx:dataValue", ADX_NS):
                row = {"dataElement": value.get("dataElement"), "period": period, "orgUnit": group.get("orgUnit"),
                       "value": value.get("value"), "dataSet": group.get("dataSet")}  # fmt: skip
                if value.get("categoryOptionCombo"):
                    row["categoryOptionCombo"] = value.get("categoryOptionCombo")
                values.append(row)
        return {"adx": True, "dataValues": values}

    def _check_shape(self, handler, query, body) -> None:
        if query.get("dryRun") not in ("true", "false"):
            self.problems.append(f"dryRun is {query.get('dryRun')!r}")
        if not isinstance(body.get("dataValues"), list):
            self.problems.append("no dataValues list")
            return
        for value in body["dataValues"]:
            for key in ("dataElement", "period", "orgUnit", "value"):
                if not isinstance(value.get(key), str):
                    self.problems.append(f"{key} missing or not a string in {value}")
            if not PERIOD.match(str(value.get("period"))):
                self.problems.append(f"period {value.get('period')!r} is not a DHIS2 period")
            for key in ("dataElement", "orgUnit", "categoryOptionCombo"):
                if key in value and not UID.match(str(value[key])):
                    self.problems.append(f"{key} {value[key]!r} is not a DHIS2 identifier")
            if not NUMBER.match(str(value.get("value"))):
                self.problems.append(f"value {value.get('value')!r} is not a number")
            elif value.get("dataElement") in self.counts and float(value["value"]) % 5:
                self.problems.append(f"count {value['value']} is not a published (rounded) figure")
