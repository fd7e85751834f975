"""The form renderer writes <select>, <option> and <input> in Python: byte for byte what Django's templates write."""

import datetime
import decimal
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

import quartiers
from quartiers.core.renderers import INPUTS, SELECT, FormRenderer

DJANGO = DjangoTemplates()
OURS = FormRenderer()

CHOICES = [
    ("", "Tous les territoires"),
    ("epci:200090751", "CA du Calaisis <b>& co</b> (EPCI)"),
    (12, 2024),
    (decimal.Decimal("1234.5"), "montant"),
    (datetime.date(2019, 1, 25), datetime.date(2019, 1, 25)),
    ("Pas-de-Calais", [("62193", "Calais"), ("62160", 'Boulogne-sur-Mer "ville"')]),
    (mark_safe("<sûr>"), mark_safe("<em>déjà sûr</em>")),
    (None, "aucun"),
]

WIDGETS = [
    (forms.Select(choices=CHOICES), ["", "62193", 12, None, "<script>"]),
    (
        forms.Select(choices=CHOICES, attrs={"required": True, "disabled": False, "data-x": None, "aria-label": "<a>"}),
        [""],
    ),
    (forms.SelectMultiple(choices=CHOICES), [["62193", "12"], []]),
    (forms.NullBooleanSelect(), [None, True, "false"]),
    (
        forms.TextInput(attrs={"maxlength": 200, "placeholder": "« contrat » & <ville>"}),
        [None, "", 0, "=1+1", "<script>x</script>"],
    ),
    (forms.NumberInput(attrs={"step": "0.01"}), [decimal.Decimal("1234.56"), 2938, None]),
    (forms.DateInput(attrs={"type": "date"}), [datetime.date(2019, 1, 25), "25/01/2019", None]),
    (forms.DateTimeInput(), [datetime.datetime(2019, 1, 25, 9, 30, tzinfo=datetime.UTC)]),
    (forms.TimeInput(), [datetime.time(9, 30)]),
    (forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}), ["chef@calais.fr"]),
    (forms.URLInput(), ["https://exemple.fr/?a=1&b=2"]),
    (forms.PasswordInput(render_value=True), ["secret"]),
    (forms.HiddenInput(), ["next", mark_safe("<b>")]),
    (forms.SearchInput(), ["q"]),
    (forms.TelInput(), ["03 21 00 00 00"]),
]


@pytest.mark.parametrize("widget,values", WIDGETS, ids=[type(w).__name__ for w, _ in WIDGETS])
def test_each_widget_is_written_as_django_writes_it(widget, values):
    for value in values:
        context = widget.get_context("champ", value, {"id": "id_champ"})
        assert OURS.render(widget.template_name, context) == DJANGO.render(widget.template_name, context), value


def test_every_intercepted_template_is_djangos_own():
    # A project template overriding one of these would be silently ignored: there is none.
    for name in [SELECT, *INPUTS]:
        assert "django/forms/templates" in str(DJANGO.get_template(name).origin.name), name


def test_a_select_with_its_own_option_template_goes_through_the_engine():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    context = Custom(choices=CHOICES[:3]).get_context("champ", "", {})
    assert OURS.render(SELECT, context) == DJANGO.render(SELECT, context)
    assert 'type="select"' in OURS.render(SELECT, context)  # the radio option template, not ours


def _project_forms():
    for info in pkgutil.walk_packages(quartiers.__path__, "quartiers."):
        if info.name.rsplit(".", 1)[-1] in {"forms", "views"} or ".forms" in info.name:
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


@pytest.mark.django_db
def test_the_projects_forms_render_alike_with_both_renderers(world):
    rendered = 0
    for cls in _project_forms():
        try:
            form = cls(data={"q": "<script>", "du": "2019-01-25"})
        except (TypeError, AttributeError, KeyError):
            continue  # a form that needs its objects (a contract, a user…): the widget cases above cover it
        html = {}
        for name, renderer in (("django", DJANGO), ("ours", OURS)):
            form.renderer = renderer
            html[name] = str(form)
        assert html["ours"] == html["django"], cls
        rendered += 1
    assert rendered >= 5
