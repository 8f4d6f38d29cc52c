"""Errors a screen reader hears: the summary of the errors of the forms a page shows, and the page title's
"Erreur :", found in the page's context whatever the view named its forms (templates/base.html).

The summary is an alert (role="alert") that takes the focus when the page opens (autofocus, and
static/js/form_errors.js), so a screen reader reads it at once; each error links to its field. The fields
themselves carry aria-invalid="true" and aria-describedby naming their error (Django 5.2's BoundField with
crispy's `<div id="…_error">`, or the templates that lay out their fields themselves).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()


@dataclass(frozen=True)
class FormError:
    message: str
    label: str = ""
    target: str = ""  # the id of the field to go to


def forms_in_error(context) -> list[forms.BaseForm]:
    """The bound forms of the page's context that have errors (the forms of a formset included), once each."""
    found: list[forms.BaseForm] = []
    for value in context.flatten().values():
        candidates = list(value.forms) if isinstance(value, BaseFormSet) and value.is_bound else [value]
        for candidate in candidates:
            if (
                isinstance(candidate, forms.BaseForm)
                and candidate.is_bound
                and candidate.errors
                and all(candidate is not other for other in found)
            ):
                found.append(candidate)
    return found


def form_errors(form: forms.BaseForm) -> list[FormError]:
    errors = [FormError(str(message)) for message in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            target = "" if field.is_hidden else field.id_for_label
            errors.append(FormError(str(message), label=str(field.label or ""), target=target or ""))
    return errors


@register.simple_tag(takes_context=True)
def page_in_error(context) -> bool:
    """Whether a form of the page is in error (the title then starts with "Erreur :")."""
    return bool(forms_in_error(context))


@register.inclusion_tag("_error_summary.html", takes_context=True)
def error_summary(context) -> dict:
    return {"errors": [error for form in forms_in_error(context) for error in form_errors(form)]}
