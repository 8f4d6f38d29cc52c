"""Unbound forms rendered without crispy on the most read pages.

crispy's `|crispy` costs ~4 ms of CPU for a three-field form (a template per field, with its wrappers); the
meeting page shows its "add an item" form to every secretariat reader, the RDD page its validation form.
`bootstrap(form)` gives the widgets the classes crispy's Bootstrap 5 pack would, and templates/_fields.html
lays the fields out the same way (label, widget, help text; errors are not shown: these forms are always
empty, a refused submission comes back as a message or on the form's own page, rendered by crispy).
"""

from django import forms


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    for field in form.fields.values():
        widget = field.widget
        kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.__class__.__name__.lower()} {kind}"  # "textinput form-control"…
    return form
