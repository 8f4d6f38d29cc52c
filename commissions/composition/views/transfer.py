"""Import (upload, preview, confirmation) and export of a commission's composition.

The preview saves nothing: the rows read from the file wait in the session,
under a random token carried by the confirmation form, until the agent
confirms; the plan is then computed again and applied in one transaction.
"""

import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from commissions.composition.access import commission_for
from commissions.composition.applying import PlanChanged, composition_apply
from commissions.composition.export import composition_csv, composition_xlsx
from commissions.composition.forms import CompositionImportForm
from commissions.composition.models import Commission
from commissions.composition.planning import CompositionPlan, composition_plan
from commissions.composition.reading import ImportRow, parse_composition

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _session_key(commission: Commission) -> str:
    # One pending import per commission keeps the session small; a newer preview replaces an older one.
    return f"composition_import:{commission.pk}"


def _render_preview(request, commission: Commission, pending: dict, plan: CompositionPlan, *, changed: bool = False):
    pending["fingerprint"] = plan.fingerprint()
    request.session[_session_key(commission)] = pending
    context = {
        "commission": commission,
        "plan": plan,
        "groups": [
            {"caption": "Mandats créés", "items": plan.created, "empty": "Aucun mandat créé."},
            {"caption": "Mandats inchangés", "items": plan.unchanged, "empty": "Aucun mandat inchangé."},
            {
                "caption": f"Mandats terminés au {plan.end_day:%d/%m/%Y}",
                "items": plan.ended,
                "empty": "Aucun mandat terminé.",
            },
        ],
        "token": pending["token"],
        "filename": pending["filename"],
        "approved_on": datetime.date.fromisoformat(pending["approved_on"]) if pending["approved_on"] else None,
        "changed": changed,
        "nav": "commissions",
    }
    return render(request, "commissions/composition_preview.html", context)


@login_required
def composition_import(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    if request.method == "POST":
        form = CompositionImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            day = form.cleaned_data["effective_on"]
            rows = None
            try:
                rows = parse_composition(content=upload.read())
            except ValidationError as error:
                form.add_error("file", error.messages)
            if rows is not None:
                plan = composition_plan(commission=commission, rows=rows, day=day)
                if plan.errors:
                    form.add_error(None, plan.errors)
                else:
                    approved_on = form.cleaned_data["approved_on"]
                    pending = {
                        "token": secrets.token_urlsafe(16),
                        "rows": [row.as_json() for row in rows],
                        "day": day.isoformat(),
                        "approved_on": approved_on.isoformat() if approved_on else None,
                        "filename": upload.name,
                    }
                    return _render_preview(request, commission, pending, plan)
    else:
        form = CompositionImportForm(initial={"effective_on": commission.today()})
    return render(
        request, "commissions/composition_import.html", {"commission": commission, "form": form, "nav": "commissions"}
    )


@login_required
@require_POST
def composition_import_confirm(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    pending = request.session.get(_session_key(commission))
    if not pending or not secrets.compare_digest(pending.get("token", ""), request.POST.get("token", "")):
        messages.error(
            request, "Cet aperçu n'est plus valable (expiré ou remplacé par un autre) : importez à nouveau le fichier."
        )
        return redirect("commissions:composition_import", slug=commission.slug)
    rows = [ImportRow.from_json(row) for row in pending["rows"]]
    day = datetime.date.fromisoformat(pending["day"])
    approved_on = datetime.date.fromisoformat(pending["approved_on"]) if pending["approved_on"] else None
    try:
        plan = composition_apply(
            commission=commission,
            rows=rows,
            day=day,
            approved_on=approved_on,
            filename=pending["filename"],
            user=request.user,
            expected=pending["fingerprint"],
        )
    except PlanChanged as changed:
        pending["token"] = secrets.token_urlsafe(16)
        return _render_preview(request, commission, pending, changed.plan, changed=True)
    except ValidationError as error:
        del request.session[_session_key(commission)]
        form = CompositionImportForm(initial={"effective_on": day, "approved_on": approved_on})
        context = {"commission": commission, "form": form, "confirm_errors": error.messages, "nav": "commissions"}
        return render(request, "commissions/composition_import.html", context)
    del request.session[_session_key(commission)]
    if plan.has_changes:
        messages.success(request, _summary(plan))
    else:
        messages.info(request, f"La composition au {day:%d/%m/%Y} est déjà celle du fichier : rien n'a changé.")
    return redirect("commissions:detail", slug=commission.slug)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count < 2 else plural}"


def _summary(plan: CompositionPlan) -> str:
    parts = [
        _plural(len(plan.created), "mandat créé", "mandats créés"),
        _plural(len(plan.unchanged), "inchangé", "inchangés"),
        _plural(len(plan.ended), f"terminé le {plan.end_day:%d/%m/%Y}", f"terminés le {plan.end_day:%d/%m/%Y}"),
    ]
    text = f"Composition importée au {plan.day:%d/%m/%Y} : " + ", ".join(parts)
    extras = []
    if plan.persons_created:
        extras.append(_plural(plan.persons_created, "personne ajoutée", "personnes ajoutées"))
    if plan.seats_added:
        extras.append(_plural(len(plan.seats_added), "siège créé", "sièges créés"))
    if plan.seats_closed:
        extras.append(_plural(len(plan.seats_closed), "siège supprimé", "sièges supprimés"))
    if extras:
        text += " ; " + ", ".join(extras)
    return text + "."


def _parse_day(value: str) -> datetime.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


@login_required
@require_GET
def composition_export(request, slug):
    # Members may export the composition they sit in; changing it is for the secretariat.
    commission = commission_for(request.user, slug)
    day = commission.today()
    if request.GET.get("date"):
        day = _parse_day(request.GET["date"])
        if day is None:
            messages.error(request, f"Date d'export illisible « {request.GET['date']} » : utilisez jj/mm/aaaa.")
            return redirect("commissions:detail", slug=commission.slug)
    kind = request.GET.get("format", "csv")
    filename = f"composition-{commission.slug}-{day:%Y-%m-%d}.{kind}"
    if kind == "csv":
        response = HttpResponse(composition_csv(commission=commission, day=day), content_type="text/csv; charset=utf-8")
    elif kind == "xlsx":
        response = HttpResponse(composition_xlsx(commission=commission, day=day), content_type=XLSX_TYPE)
    else:
        messages.error(request, "Format d'export inconnu : choisissez CSV ou XLSX.")
        return redirect("commissions:detail", slug=commission.slug)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
