"""The form renderer: Django's own templates, except for the widgets that every filter form draws by the dozen.

Django renders a `<select>` through one template per option, each including a template for its attributes: the
resource list's filters (types, themes, a region's territories) cost more to draw than the page's search. The
`<select>` with its options and the `<input>` family are written here in Python, byte for byte what Django's
templates write (`tests/core/test_renderers.py` compares both on every widget the forms use); every other
template goes through the template engine as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"
# The templates that only include input.html.
INPUTS = {
    WIDGETS + f"{kind}.html"
    for kind in ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel")
}


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT and _plain_options(widget):
            return render_select(widget)
        if template_name in INPUTS and widget is not None:
            return render_input(widget)
        return super().render(template_name, context, request)


def _plain_options(widget):
    return widget is not None and all(
        option["template_name"] == OPTION for _, options, _ in widget["optgroups"] for option in options
    )


def render_select(widget):
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def render_input(widget):
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return mark_safe(
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _attrs(attrs):
    # attrs.html: False leaves the attribute out, True writes its name alone.
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(value):
    """What `{{ value }}` writes: local time, localised numbers and dates, escaped unless marked safe."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value):
    """What `{{ value|stringformat:'s' }}` writes: never localised, escaped unless marked safe."""
    text = str(value)  # what "%s" % value gives (a tuple is formatted whole, as stringformat does)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)
