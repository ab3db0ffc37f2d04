"""The audit trail: chained, append-only in the database, and checkable end to end.

The audit trail is a Foundation requirement without a DOMAIN.md ID: these tests carry no req marker.
"""

import datetime
import threading
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from portal.audit.models import GENESIS_HASH, AuditEvent
from portal.audit.services import record
from portal.audit.verify import verify_chain
from portal.middleware import RequestIdMiddleware, current_request_id
from portal.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    return User.objects.create_user("850515300125", "Aigerim Secretary")


@pytest.fixture
def supplier():
    return User.objects.create_user("001215500113", "Supplier Head")


def record_some(count: int, **kwargs) -> list[AuditEvent]:
    return [
        record(actor=None, action=f"test.event{i}", after={"n": i}, **kwargs) for i in range(count)
    ]


@contextmanager
def triggers_bypassed():
    """What the table's owner (or a superuser) can do that the application never does."""
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of this transaction's inserts must run before ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def wait_until(condition, *, what: str, limit: float = 30.0) -> None:
    """Poll until ``condition()``; the limit only stops a broken test from hanging."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


# --- recording -------------------------------------------------------------------------------


def test_record_chains_each_event_to_the_one_before(secretary, supplier):
    first = record(
        actor=secretary,
        action="protocol.published",
        obj=supplier,
        before={"status": "signed"},
        after={"status": "published"},
        basis="2022 p.15",
        role=Role.SECRETARY,
    )
    second = record(actor=None, action="sync.finished")

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.hash != second.hash

    stored = AuditEvent.objects.get(pk=first.pk)
    assert stored.actor == secretary
    assert stored.actor_role == "secretary"
    assert (stored.object_type, stored.object_id) == ("portal.user", str(supplier.pk))
    assert stored.object_repr == str(supplier)
    assert stored.after == {"status": "published"}
    assert stored.basis == "2022 p.15"
    assert stored.compute_hash() == stored.hash
    assert stored.occurred_at <= AuditEvent.objects.get(pk=second.pk).occurred_at
    assert AuditEvent.objects.get(pk=second.pk).actor is None


def test_anonymous_actor_is_recorded_as_the_system():
    event = record(actor=AnonymousUser(), action="test.anonymous")
    assert event.actor_id is None


def test_hash_survives_reload_of_decimals_dates_and_kazakh_text():
    snapshot = {
        "amount": Decimal("125000.50"),
        "deadline": datetime.date(2024, 3, 22),
        "name": "Қазақстан «Әлеуметтік» ЖШС",
        "nested": [{"b": 2, "a": None}, True],
        7: "non-string key",
    }
    event = record(actor=None, action="test.payload", before=snapshot, after=snapshot)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.after["amount"] == "125000.50"
    assert stored.after["7"] == "non-string key"
    assert stored.compute_hash() == stored.hash == event.hash


def test_floats_are_refused_because_jsonb_would_change_them():
    with pytest.raises(TypeError, match="floats"):
        record(actor=None, action="test.float", after={"score": 1e16})
    assert not AuditEvent.objects.exists()


def test_unsaved_object_is_refused():
    with pytest.raises(ValueError, match="Save the object"):
        record(actor=None, action="test.unsaved", obj=User(iin="1"))


def test_request_id_is_taken_from_the_request_context():
    token = current_request_id.set("req-from-context")
    try:
        from_context = record(actor=None, action="test.context")
        explicit = record(actor=None, action="test.explicit", request_id="req-explicit")
    finally:
        current_request_id.reset(token)
    outside = record(actor=None, action="test.outside")

    assert from_context.request_id == "req-from-context"
    assert explicit.request_id == "req-explicit"
    assert outside.request_id == ""


def test_request_id_of_a_real_request_reaches_the_event():
    def view(request):
        event = record(actor=request.user, action="test.view")
        return HttpResponse(str(event.pk))

    request = RequestFactory().get("/", headers={"X-Request-ID": "proxy-7f3a"})
    request.user = AnonymousUser()
    response = RequestIdMiddleware(view)(request)

    event = AuditEvent.objects.get(pk=int(response.content))
    assert event.request_id == "proxy-7f3a" == response["X-Request-ID"]


def test_event_rolled_back_with_its_transaction_leaves_the_chain_whole():
    kept = record(actor=None, action="test.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=None, action="test.rolled-back")
        raise RuntimeError("the request failed")
    after = record(actor=None, action="test.after")

    assert after.prev_hash == kept.hash
    assert verify_chain().ok


# --- the database refuses changes ------------------------------------------------------------


def update_raw(event):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])


def update_queryset(event):
    AuditEvent.objects.filter(pk=event.pk).update(action="forged")


def update_instance(event):
    event.action = "forged"
    event.save()


def delete_raw(event):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def delete_queryset(event):
    AuditEvent.objects.filter(pk=event.pk).delete()


def delete_instance(event):
    event.delete()


@pytest.mark.parametrize(
    ("change", "operation"),
    [
        (update_raw, "UPDATE"),
        (update_queryset, "UPDATE"),
        (update_instance, "UPDATE"),
        (delete_raw, "DELETE"),
        (delete_queryset, "DELETE"),
        (delete_instance, "DELETE"),
    ],
)
def test_database_refuses_to_change_or_delete_an_event(change, operation):
    event = record(actor=None, action="test.original", after={"n": 1})

    refused = f"append-only: {operation} on audit_auditevent"
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        change(AuditEvent.objects.get(pk=event.pk))

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "test.original"
    assert stored.compute_hash() == stored.hash


def test_database_refuses_to_truncate_the_table():
    record(actor=None, action="test.original")
    refused = "append-only: TRUNCATE on audit_auditevent"
    with (
        pytest.raises(DatabaseError, match=refused),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The test settings allow TRUNCATE for Django's flush; production sessions do not.
        cursor.execute("SET LOCAL audit.allow_truncate = off")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


# --- verification ----------------------------------------------------------------------------


def test_clean_chain_verifies_across_chunk_boundaries():
    events = record_some(5)
    result = verify_chain(chunk_size=2)
    assert result.ok
    assert result.events_verified == 5
    assert result.head_hash == events[-1].hash


def test_empty_trail_verifies():
    assert verify_chain().ok
    assert verify_chain().events_verified == 0


def test_verify_audit_command_reports_ok_on_clean_chain(capsys):
    record_some(3)
    call_command("verify_audit")
    assert "OK: 3 events verified" in capsys.readouterr().out


def test_forged_event_is_the_first_broken_link():
    events = record_some(4)
    with triggers_bypassed() as cursor:
        cursor.execute(
            """UPDATE audit_auditevent SET after = '{"n": 99}' WHERE id = %s""", [events[1].pk]
        )

    result = verify_chain()
    assert not result.ok
    assert result.broken_event_id == events[1].pk
    assert result.events_verified == 1
    assert "changed" in result.problem

    with pytest.raises(CommandError, match=f"Broken link at audit event {events[1].pk} ") as error:
        call_command("verify_audit")
    assert error.value.returncode == 1


def test_forger_who_also_rewrites_the_hash_breaks_the_next_link():
    events = record_some(3)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.after = {"n": 99}
    with triggers_bypassed() as cursor:
        cursor.execute(
            """UPDATE audit_auditevent SET after = '{"n": 99}', hash = %s WHERE id = %s""",
            [forged.compute_hash(), forged.pk],
        )

    result = verify_chain()
    assert result.broken_event_id == events[2].pk
    assert "removed or inserted" in result.problem


def test_deleted_middle_event_is_detected():
    events = record_some(4)
    with triggers_bypassed() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    result = verify_chain()
    assert result.broken_event_id == events[2].pk
    assert "removed" in result.problem
    with pytest.raises(CommandError, match=f"audit event {events[2].pk} "):
        call_command("verify_audit")


def test_event_created_outside_the_service_is_detected():
    record_some(2)
    rogue = AuditEvent.objects.create(
        occurred_at=datetime.datetime.now(datetime.UTC),
        action="test.rogue",
        prev_hash=AuditEvent.objects.order_by("-id").first().hash,
        hash="a" * 64,
    )
    assert verify_chain().broken_event_id == rogue.pk


@pytest.mark.django_db(transaction=True)
def test_verify_audit_exits_non_zero_on_a_broken_chain(capsys):
    """Through the real command-line entry point, as cron or an operator runs it."""
    events = record_some(3)
    ManagementUtility(["manage.py", "verify_audit"]).execute()
    assert "OK: 3 events verified" in capsys.readouterr().out

    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditevent SET basis = 'forged' WHERE id = %s", [events[2].pk])

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "verify_audit"]).execute()
    assert exit_.value.code == 1
    assert f"Broken link at audit event {events[2].pk} " in capsys.readouterr().err


# --- concurrency -----------------------------------------------------------------------------


def run_in_thread(target, errors: list) -> threading.Thread:
    def body():
        try:
            target()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_second_recorder_waits_for_the_first_transaction_and_chains_to_it():
    second_pid: list[int] = []
    first_recorded = threading.Event()
    second_done = threading.Event()
    errors: list[Exception] = []

    def second_is_waiting_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", second_pid
            )
            return cursor.fetchone()[0]

    def first():
        with transaction.atomic():
            record(actor=None, action="test.first")
            first_recorded.set()
            # Keep this transaction open until the second recorder is blocked by it. If it is
            # never blocked (appends not serialised), it finishes instead and the chain forks.
            wait_until(
                lambda: second_done.is_set() or second_is_waiting_on_a_lock(),
                what="the second recorder",
            )

    def second():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            first_recorded.wait(30)
            record(actor=None, action="test.second")
        finally:
            second_done.set()

    second_thread = run_in_thread(second, errors)
    wait_until(lambda: bool(second_pid), what="the second connection")
    first_thread = run_in_thread(first, errors)
    first_thread.join()
    second_thread.join()

    assert errors == []
    first_event, second_event = AuditEvent.objects.order_by("id")
    assert (first_event.action, second_event.action) == ("test.first", "test.second")
    assert second_event.prev_hash == first_event.hash
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_simultaneous_recorders_keep_one_chain():
    per_thread = 15
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def recorder(name):
        def run():
            start.wait(30)
            for i in range(per_thread):
                with transaction.atomic():
                    record(actor=None, action=f"test.{name}", after={"i": i})

        return run

    threads = [run_in_thread(recorder(name), errors) for name in ("a", "b")]
    for thread in threads:
        thread.join()

    assert errors == []
    result = verify_chain()
    assert result.ok
    assert result.events_verified == 2 * per_thread


# --- the operators' admin --------------------------------------------------------------------


def test_admin_lists_and_finds_events_but_offers_no_change(client, supplier):
    operator = User.objects.create_superuser("900101400093", "Operator", "a-long-password-123")
    client.force_login(operator)
    event = record(actor=operator, action="supplier.changed", obj=supplier, role=Role.OPERATOR)
    record(actor=None, action="test.other")

    listing = client.get("/admin/audit/auditevent/", {"q": str(supplier.pk)})
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [event]
    assert client.get("/admin/audit/auditevent/", {"action": "test.other"}).status_code == 200

    detail = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {}).status_code == 403
