"""Unbound forms rendered without crispy on the most read pages.

crispy's `|crispy` costs ~4 ms of CPU for a three-field form (a template per field, with its wrappers); the
meeting page shows its "add an item" form to every secretariat reader. `bootstrap(form)` gives the widgets
the classes crispy's Bootstrap 5 pack would, and templates/_fields.html lays the fields out the same way
(label, widget, help text; errors are not shown: these forms are always empty, a refused submission comes back
on the form's own page, rendered by crispy).
"""

from django import forms


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    for field in form.fields.values():
        widget = field.widget
        kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
        own = widget.__class__.__name__.lower()
        own = {"textinput": "textinput", "select": "select"}.get(own, own)
        widget.attrs["class"] = f"{own} {kind}".strip()
    return form
