"""The workflow: every transition of the table, legal (from each source) and illegal (from every other status),
by the right actor; an illegal or forbidden one changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict

from quartiers.core.audit import AuditEvent
from quartiers.programming import services
from quartiers.programming.models import Application
from quartiers.programming.workflow import CARRIER, TRANSITIONS, Status
from tests.programming.helpers import balance, make_application

LEGAL = [(t.name, source) for t in TRANSITIONS.values() for source in t.sources]
ILLEGAL = [(t.name, status) for t in TRANSITIONS.values() for status in Status.values if status not in t.sources]


def _actor(world, name):
    return world.users["partenaire"] if TRANSITIONS[name].actor == CARRIER else world.users["chef"]


def _snapshot(app):
    row = Application.objects.get(pk=app.pk)
    return model_to_dict(row, exclude=["objectives", "qpvs"]), row.updated_at, AuditEvent.objects.count()


@pytest.mark.parametrize("name, source", LEGAL)
def test_legal_transition(prog, name, source):
    app = make_application(prog.extra["call"], prog.extra["carrier"], status=source)
    balance(app)
    getattr(services, name)(_actor(prog, name), app)
    app.refresh_from_db()
    assert app.status == TRANSITIONS[name].target
    event = AuditEvent.objects.get(object_id=str(app.pk))
    assert event.changes == {"statut": [source, TRANSITIONS[name].target]}
    assert event.actor == _actor(prog, name)


@pytest.mark.parametrize("name, status", ILLEGAL)
def test_illegal_transition_changes_nothing(prog, name, status):
    app = make_application(prog.extra["call"], prog.extra["carrier"], status=status)
    balance(app)
    before = _snapshot(app)
    with pytest.raises(ValidationError) as err:
        getattr(services, name)(_actor(prog, name), app)
    assert "impossible : le dossier est" in err.value.messages[0]
    assert _snapshot(app) == before


@pytest.mark.parametrize("name", [t.name for t in TRANSITIONS.values()])
def test_wrong_actor_is_refused_and_changes_nothing(prog, name):
    source = TRANSITIONS[name].sources[0]
    app = make_application(prog.extra["call"], prog.extra["carrier"], status=source)
    balance(app)
    before = _snapshot(app)
    # The carrier does not instruct; the instructor does not act for the carrier; others do neither.
    wrong = prog.users["chef"] if TRANSITIONS[name].actor == CARRIER else prog.users["partenaire"]
    for user in (wrong, prog.extra["other_member"], prog.users["autre_chef"], prog.users["delegue"]):
        with pytest.raises(PermissionDenied):
            getattr(services, name)(user, app)
    assert _snapshot(app) == before


def test_allowed_transitions_lists_what_each_user_may_do(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    assert [t.name for t in app.allowed_transitions(prog.users["partenaire"])] == ["submit"]
    assert app.allowed_transitions(prog.users["chef"]) == []
    app.status = Status.INSTRUCTION
    assert [t.name for t in app.allowed_transitions(prog.users["chef"])] == ["request_information", "record_opinions"]
    assert app.allowed_transitions(prog.users["partenaire"]) == []
    assert app.allowed_transitions(prog.users["autre_chef"]) == []
    app.status = Status.OPINIONS
    assert [t.name for t in app.allowed_transitions(prog.users["admin"])] == ["accept", "refuse", "postpone"]


def test_the_whole_path_to_solde(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    balance(app)
    carrier, chef = prog.users["partenaire"], prog.users["chef"]
    steps = [
        (services.submit, carrier),
        (services.start_instruction, chef),
        (services.request_information, chef),
        (services.submit, carrier),
        (services.start_instruction, chef),
        (services.record_opinions, chef),
        (services.accept, chef),
        (services.sign_agreement, chef),
        (services.record_payment, chef),
        (services.file_report, carrier),
        (services.close, chef),
    ]
    for service, user in steps:
        service(user, app)
    assert Application.objects.get(pk=app.pk).status == Status.CLOSED == app.status
    assert AuditEvent.objects.filter(object_id=str(app.pk)).count() == len(steps)


def test_every_status_is_reachable_and_every_transition_is_a_service():
    targets = {t.target for t in TRANSITIONS.values()}
    assert set(Status.values) - targets == {Status.DRAFT}
    assert all(callable(getattr(services, name)) for name in TRANSITIONS)
