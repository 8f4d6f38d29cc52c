"""Form helpers of every app: service errors attached to a form; unbound forms rendered without crispy.

The most read pages render their unbound forms without crispy.

crispy's `|crispy` costs ~4 ms of CPU for a three-field form (a template per field, with its wrappers); the
meeting page shows its "add an item" form to every secretariat reader, the RDD page its validation form.
`bootstrap(form)` gives the widgets the classes crispy's Bootstrap 5 pack would, and templates/_fields.html
lays the fields out the same way (label, widget, help text; errors are not shown: these forms are always
empty, a refused submission comes back as a message or on the form's own page, rendered by crispy).
"""

from django import forms
from django.core.exceptions import ValidationError


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    for field in form.fields.values():
        widget = field.widget
        kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.__class__.__name__.lower()} {kind}"  # "textinput form-control"…
    return form


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError next to the form's fields when they are shown, at the top of the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
