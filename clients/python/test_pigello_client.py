"""End to end: start the facade on its embedded Pigello emulator and call
Create, List, Get, Update with a mask, Delete and health through the Python
client.

FACADE_BIN names the facade binary (make python-test passes bin/, which
`make build` writes); without it the test runs `go build` into a temporary
directory. The stubs must be on PYTHONPATH (make python-stubs).
"""

import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest
from pathlib import Path

import grpc
from google.protobuf import json_format

from pigello_client import SERVICE, Organization, WorkEngagement, WorkEngagements, status_details, to_dict

REPO_ROOT = Path(__file__).resolve().parents[2]

# The emulator's demo records (emulator/seed.go): every field set, every
# nullable field null, and one in between.
FULL = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"
EMPTY = "8a1c4e7f-2b3d-4f5a-8e6c-9d0b1a2c3e42"
PARTIAL = "c5d7e9f1-4a6b-4c8d-a0e2-f3b5c7d9e153"
ACME = "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"

BANNER_TIMEOUT = 60  # seconds; the facade prints its banner once it listens
STOP_TIMEOUT = 30

facade = None  # the running Facade, shared by every test


class Facade:
    """The facade binary on --emulator, listening on free loopback ports."""

    def __init__(self):
        self.build_dir = None
        binary = os.environ.get("FACADE_BIN") or self._build()
        self.stderr = tempfile.TemporaryFile()  # its log, shown when something fails
        self.proc = subprocess.Popen(
            [binary, "--emulator", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
        )
        self.banner = []
        self.grpc_addr = self._wait_for_address()

    def _build(self):
        self.build_dir = tempfile.mkdtemp(prefix="pigello-facade-python-")
        binary = os.path.join(self.build_dir, "pigello-facade")
        subprocess.run(["go", "build", "-o", binary, "./cmd/pigello-facade"], cwd=REPO_ROOT, check=True)
        return binary

    def _wait_for_address(self):
        """Reads stdout, in a thread that keeps draining it, until the
        banner's "gRPC:  ADDR" line."""
        lines = queue.Queue()

        def drain():
            for line in self.proc.stdout:
                lines.put(line)
            lines.put(None)  # stdout closed: the facade exited

        threading.Thread(target=drain, daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=BANNER_TIMEOUT)
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"no gRPC address within {BANNER_TIMEOUT}s{self.output()}") from None
            if line is None:
                self.stop()
                raise RuntimeError(f"the facade exited before its banner{self.output()}")
            self.banner.append(line)
            m = re.match(r"\s*gRPC:\s+(\S+)$", line)
            if m:
                return m.group(1)

    def output(self):
        self.stderr.seek(0)
        log = self.stderr.read().decode(errors="replace")
        return f"\nstdout:\n{''.join(self.banner)}\nstderr:\n{log}"

    def stop(self):
        """Stops the facade with SIGTERM (SIGKILL if it hangs) and returns
        its exit code."""
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            return self.proc.returncode
        finally:
            if self.build_dir:
                shutil.rmtree(self.build_dir, ignore_errors=True)


def setUpModule():
    global facade
    facade = Facade()


def tearDownModule():
    code = facade.stop()
    if code != 0:
        raise AssertionError(f"facade exit on SIGTERM: {code}{facade.output()}")


class WorkEngagementsTest(unittest.TestCase):
    def setUp(self):
        self.client = WorkEngagements(facade.grpc_addr, timeout=10)
        self.addCleanup(self.client.close)

    def assertFails(self, code, call, *args, **kwargs):
        """Asserts that call fails with the gRPC status code and returns
        the decoded status details."""
        with self.assertRaises(grpc.RpcError) as cm:
            call(*args, **kwargs)
        err = cm.exception
        self.assertEqual(err.code(), code, err.details())
        st = status_details(err)
        self.assertIsNotNone(st, f"{err.code()} carries no {err.details()!r} status details")
        self.assertEqual(st.code, code)
        self.assertEqual(st.message, err.details())
        self.assertEqual(st.error_info.domain, "pigello.io")
        return st

    def test_get(self):
        we = self.client.get(FULL)
        self.assertEqual(we.id, FULL)
        self.assertEqual(we.name, "Full-time employment")
        self.assertEqual(we.organization.id, ACME)
        self.assertEqual(we.custom_id, "WE-0001")
        self.assertEqual(we.color_code, "1E90ff")
        self.assertEqual(we.created_at.ToJsonString(), "2024-01-15T09:30:00.123456Z")
        self.assertEqual(json_format.MessageToDict(we.customer_columns), {"cost_center": "4100", "headcount": 12})
        self.assertEqual(
            [json_format.MessageToDict(t) for t in we.template_sms_notifications],
            [{"id": "9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b5a"}],
        )

    def test_get_null_fields_are_unset(self):
        we = self.client.get(EMPTY)
        self.assertEqual(we.name, "Internship")
        for name in ("organization", "custom_id", "color_code"):
            self.assertFalse(we.HasField(name), f"{name} is set: {to_dict(we)}")

    def test_update_with_mask(self):
        # Another record than the Get tests read, so the order of tests does
        # not matter.
        we = self.client.update(WorkEngagement(id=EMPTY, color_code="abc", name="ignored: not in the mask"), ["color_code"])
        self.assertEqual(we.color_code, "abc")
        self.assertEqual(we.name, "Internship")
        self.assertEqual(self.client.get(EMPTY).color_code, "abc")

        we = self.client.update(WorkEngagement(id=EMPTY, organization=Organization(id=ACME)), ["organization"])
        self.assertEqual(we.organization.id, ACME)
        self.assertEqual(we.color_code, "abc")

        # A path in the mask whose field is unset clears the field.
        we = self.client.update(WorkEngagement(id=EMPTY), ["color_code"])
        self.assertFalse(we.HasField("color_code"), to_dict(we))
        self.assertFalse(self.client.get(EMPTY).HasField("color_code"))

    def test_delete(self):
        self.client.delete(PARTIAL)
        st = self.assertFails(grpc.StatusCode.NOT_FOUND, self.client.get, PARTIAL)
        self.assertEqual(st.error_info.reason, "PIGELLO_NOT_FOUND")
        self.assertFails(grpc.StatusCode.NOT_FOUND, self.client.delete, PARTIAL)
        self.client.delete(PARTIAL, allow_missing=True)

    def test_invalid_requests(self):
        tests = [
            ("id not a UUID", lambda: self.client.get("not-a-uuid"), "id"),
            (
                "colour not hex",
                lambda: self.client.update(WorkEngagement(id=FULL, color_code="red"), ["color_code"]),
                "work_engagement.color_code",
            ),
            (
                "mask names a read-only field",
                lambda: self.client.update(WorkEngagement(id=FULL), ["created_at"]),
                "update_mask",
            ),
        ]
        for name, call, field in tests:
            with self.subTest(name):
                st = self.assertFails(grpc.StatusCode.INVALID_ARGUMENT, call)
                self.assertEqual(st.error_info.reason, "INVALID_REQUEST")
                self.assertIsNotNone(st.bad_request, f"no BadRequest in {st.details}")
                self.assertEqual([v.field for v in st.bad_request.field_violations], [field])
                self.assertTrue(st.bad_request.field_violations[0].description)

    def assertInvalid(self, field, call, *args, **kwargs):
        """Asserts that call is INVALID_ARGUMENT (INVALID_REQUEST) with one
        BadRequest violation, on field, and returns it."""
        st = self.assertFails(grpc.StatusCode.INVALID_ARGUMENT, call, *args, **kwargs)
        self.assertEqual(st.error_info.reason, "INVALID_REQUEST")
        self.assertIsNotNone(st.bad_request, f"no BadRequest in {st.details}")
        self.assertEqual([v.field for v in st.bad_request.field_violations], [field])
        return st.bad_request.field_violations[0]

    def test_create(self):
        made = self.client.create(
            WorkEngagement(
                name="Python contractor", color_code="C0FFEE", custom_id="PY-1", organization=Organization(id=ACME),
                id="not even a UUID",  # read-only: ignored
            )
        )
        self.assertRegex(made.id, r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(made.name, "Python contractor")
        self.assertEqual(made.color_code, "C0FFEE")
        self.assertEqual(made.custom_id, "PY-1")
        self.assertEqual(made.organization.id, ACME)
        self.assertTrue(made.HasField("created_at"))
        self.assertEqual(self.client.get(made.id), made)

    def test_create_without_a_name(self):
        self.assertInvalid("work_engagement.name", self.client.create, WorkEngagement(color_code="abc"))

    def test_list_with_a_filter_finds_what_create_made(self):
        made = self.client.create(WorkEngagement(name="Python filter target", color_code="FACADE"))
        page = self.client.list(filter='color_code = "FACADE" AND created_at >= "2024-01-01T00:00:00Z"', page_size=10)
        self.assertEqual(list(page.work_engagements), [made])  # each item as Get reads it
        self.assertEqual(page.next_page_token, "")
        none = self.client.list(filter='NOT color_code = "FACADE" AND color_code = "FACAD*"')
        self.assertEqual(list(none.work_engagements), [])

    def test_list_pages_with_page_token(self):
        for name in ("Python page 1", "Python page 2", "Python page 3"):
            self.client.create(WorkEngagement(name=name))
        order = "created_at desc, id"
        every = [we.id for we in self.client.list(page_size=500, order_by=order).work_engagements]
        self.assertGreaterEqual(len(every), 5)

        paged, token, pages = [], "", 0
        while True:
            page = self.client.list(page_size=2, page_token=token, order_by=order)
            self.assertLessEqual(len(page.work_engagements), 2)
            paged.extend(we.id for we in page.work_engagements)
            token, pages = page.next_page_token, pages + 1
            if not token:
                break
        self.assertEqual(paged, every)
        self.assertGreaterEqual(pages, 3)
        self.assertEqual([we.id for we in self.client.list_all(page_size=4, order_by=order)], every)

    def test_page_token_is_bound_to_its_filter(self):
        first = self.client.list(page_size=1)
        self.assertTrue(first.next_page_token, to_dict(first))
        self.assertInvalid("page_token", self.client.list, page_size=1, page_token=first.next_page_token, filter='color_code = "abc"')

    def test_list_with_a_filter_it_cannot_apply(self):
        tests = [
            ("a field List does not filter on", 'name = "Internship"', "name"),
            ("OR", 'color_code = "abc" OR color_code = "def"', "OR"),
            ("a time that is no time", 'created_at > "yesterday"', "created_at"),
        ]
        for name, filter, mentions in tests:
            with self.subTest(name):
                violation = self.assertInvalid("filter", self.client.list, filter=filter)
                self.assertIn(mentions, violation.description)

    def test_health(self):
        self.assertEqual(self.client.health(), "SERVING")
        self.assertEqual(self.client.health(SERVICE), "SERVING")
        with self.assertRaises(grpc.RpcError) as cm:
            self.client.health("no.such.Service")
        self.assertEqual(cm.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_deadline(self):
        with self.assertRaises(grpc.RpcError) as cm:
            self.client.get(FULL, timeout=0)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.DEADLINE_EXCEEDED)


if __name__ == "__main__":
    unittest.main()
