"""The commission pages: list, composition and presidency, and their forms."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissions.composition import services
from commissions.composition.access import Role, can_create_commission, commission_for, roles_in
from commissions.composition.forms import (
    CommissionCreateForm,
    DesignationForm,
    MandateAddForm,
    MandateEndForm,
    SeatAddForm,
    SectionPresidentForm,
)
from commissions.composition.models import Commission, Mandate, PresidencyDesignation, Section
from commissions.composition.presidency import presidencies_for_years, presidency_article_on
from commissions.composition.selectors import composition_changed_on, composition_on
from portal import generations
from portal.forms import add_service_errors

ROLE_LABELS = {
    Role.ADMIN: "Administrateur",
    Role.SECRETARIAT: "Secrétariat",
    Role.PRESIDENT: "Président(e) de section",
    Role.MEMBER: "Membre",
    Role.READER: "Lecteur (lecture seule)",
}


def parse_day(value: str | None) -> datetime.date | None:
    """A date typed by a user: 17/02/2025 or 2025-02-17; None when empty or impossible."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime((value or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


# An id no row has, reversed once in a URL and then replaced by each row's id (see _url_for_ids).
_ID_PLACEHOLDER = 2_147_483_647


def _url_for_ids(name: str, slug: str):
    """`reverse(name, args=[slug, id])` for many ids at the cost of one reversal (a page of 100 mandates)."""
    head, placeholder, tail = reverse(name, args=[slug, _ID_PLACEHOLDER]).rpartition(str(_ID_PLACEHOLDER))
    assert placeholder, name
    return lambda pk: f"{head}{pk}{tail}"


def _mandate_links(commission: Commission, sections) -> None:
    """The secretariat's links of each current mandate (end it, invite its person) as `end_url` and `invite_url`."""
    end_url = _url_for_ids("commissions:mandate_end", commission.slug)
    invite_url = _url_for_ids("commissions:person_invite", commission.slug)
    for composition in sections:
        for row in composition.rows:
            for mandate in (row.titular, row.substitute):
                if mandate is not None:
                    mandate.end_url = end_url(mandate.pk)
                    mandate.invite_url = invite_url(mandate.person_id)


COMMISSIONS_PER_PAGE = 25


@login_required
def commission_list(request):
    """The user's commissions, by pages of 25, searchable by name, profession or territory."""
    query = request.GET.get("q", "").strip()[:100]
    page_number = request.GET.get("page", "")[:10]

    def content() -> dict:
        commissions = Commission.objects.visible_to(request.user).select_related("secretariat_organisation")
        if query:
            commissions = commissions.filter(
                Q(name__icontains=query) | Q(profession__icontains=query) | Q(territory__icontains=query)
            )
        return {"commissions": Paginator(commissions, COMMISSIONS_PER_PAGE).get_page(page_number), "query": query}

    # Kept until a commission, a mandate or an account changes (portal.generations); the date is in the key
    # because mandates start and end with the days.
    html = generations.fragment(
        request,
        "commissions/_list_content.html",
        scopes=[generations.COMPOSITION, generations.ACCOUNTS],
        what="list",
        vary_on={"user": request.user.pk, "day": datetime.date.today(), "query": query, "page": page_number},
        context=content,
    )
    return render(
        request,
        "commissions/list.html",
        {"content": html, "nav": "commissions", "can_create": can_create_commission(request.user)},
    )


@login_required
def commission_create(request):
    """An administrator creates a commission with its two sections, then lands on its page."""
    if not can_create_commission(request.user):
        raise PermissionDenied("La création d'une commission est réservée aux administrateurs.")
    form = CommissionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A staff account that is not a superuser sees only the commissions it serves: it becomes an agent of this one.
        agent = None if request.user.is_superuser else request.user
        try:
            commission = services.commission_create(form.save(commit=False), agent=agent)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Commission « {commission.name} » créée avec ses sections sociale et professionnelle"
                + (" ; vous êtes agent de son secrétariat." if agent else ".")
                + " Ajoutez ses sièges ou importez sa composition.",
            )
            return redirect(commission)
    return render(
        request,
        "commissions/commission_form.html",
        {"form": form, "title": "Nouvelle commission", "nav": "commissions"},
    )


@login_required
def commission_detail(request, slug):
    commission = commission_for(request.user, slug)
    today = commission.today()
    day = today
    if request.GET.get("date"):
        day = parse_day(request.GET["date"])
        if day is None:
            messages.error(request, f"Date « {request.GET['date']} » invalide : utilisez le format JJ/MM/AAAA.")
            day = today
    roles = roles_in(request.user, commission)  # known since commission_for: no query
    manage = bool(roles & {Role.ADMIN, Role.SECRETARIAT})

    def top() -> dict:
        # All the commission's designations (a few per year of existence): the page lists the last six and
        # the presidency of this year and the next comes from them or from the rotation rule.
        designations = list(
            PresidencyDesignation.objects.filter(commission=commission).select_related("president", "vice_president")
        )
        years = (day.year, day.year + 1)  # the presidency of the year asked (and the next), not always today's
        presidencies = [
            str(presidency) if isinstance(presidency, Exception) else presidency
            for presidency in presidencies_for_years(commission, years, designations)
        ]
        return {
            "commission": commission,
            "presidencies": presidencies,
            "presidency_article": presidency_article_on(commission, day),
            "years": years,
            "designations": designations[:6],
            "contacts": commission.secretariat_contacts.all(),
            "manage": manage,
            "roles": [ROLE_LABELS[role] for role in sorted(roles)],
        }

    def sections() -> dict:
        composition = composition_on(commission, day)
        if manage and is_today:
            _mandate_links(commission, composition)
        return {"commission": commission, "sections": composition, "manage": manage, "is_today": is_today}

    def changes() -> dict:
        return {"changes": commission.composition_changes.all()[:5]}

    is_today = day == today
    # Today's composition, or the one of the last day it changed before the date asked (one composition may
    # span years of dates): the same cached rendering for all its days.
    composed_on = today if is_today else composition_changed_on(commission, day)
    # Rendered once, then read in one round trip until a composition changes (portal.generations).
    top_html, sections_html, changes_html = generations.fragments(
        request,
        scopes=[generations.COMPOSITION],
        parts=[
            ("commissions/_detail_top.html", commission.pk, {"roles": roles, "day": today, "year": day.year}, top),
            (
                "commissions/_detail_sections.html",
                commission.pk,
                {"roles": roles, "composed_on": composed_on, "today": is_today},
                sections,
            ),
            ("commissions/_detail_changes.html", commission.pk, {}, changes),
        ],
    )
    context = {
        "commission": commission,
        "nav": "commissions",
        "day": day,
        "is_today": is_today,
        "top": top_html,
        "sections": sections_html,
        "changes": changes_html,
    }
    return render(request, "commissions/detail.html", context)


def _form_page(request, commission, form, *, title, submit, intro=""):
    return render(
        request,
        "commissions/form.html",
        {
            "commission": commission,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "nav": "commissions",
        },
    )


@login_required
def mandate_add(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    form = MandateAddForm(request.POST or None, commission=commission, initial={"start": commission.today()})
    if request.method == "POST" and form.is_valid():
        try:
            mandate = services.mandate_add(
                seat=form.cleaned_data["seat"],
                role=form.cleaned_data["role"],
                person=form.person_to_use(),
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Mandat de {mandate.get_role_display().lower()} ajouté : {mandate.person.display_name} "
                f"({mandate.seat.organisation}), à partir du {mandate.start:%d/%m/%Y}.",
            )
            return redirect(commission)
    return _form_page(request, commission, form, title="Ajouter un mandat", submit="Ajouter le mandat")


@login_required
def mandate_end(request, slug, mandate_id):
    commission = commission_for(request.user, slug, manage=True)
    mandate = get_object_or_404(
        Mandate.objects.select_related("person", "seat__organisation"),
        pk=mandate_id,
        seat__section__commission=commission,
    )
    form = MandateEndForm(request.POST or None, initial={"end": commission.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_end(mandate=mandate, end=form.cleaned_data["end"], user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Le mandat de {mandate.person.display_name} ({mandate.seat.organisation}) prend fin le "
                f"{form.cleaned_data['end']:%d/%m/%Y} ; le poste de {mandate.get_role_display().lower()} "
                "sera ensuite à pourvoir.",
            )
            return redirect(commission)
    return _form_page(
        request,
        commission,
        form,
        title="Mettre fin à un mandat",
        submit="Mettre fin au mandat",
        intro=f"{mandate.person.display_name}, {mandate.get_role_display().lower()} pour {mandate.seat.organisation} "
        f"depuis le {mandate.start:%d/%m/%Y}.",
    )


@login_required
def seat_add(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    form = SeatAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        section = get_object_or_404(Section, commission=commission, kind=form.cleaned_data["section"])
        try:
            seat = services.seat_add(section=section, organisation=form.cleaned_data["organisation"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Siège ajouté pour {seat.organisation} dans la {section.get_kind_display().lower()} : "
                "titulaire et suppléant à pourvoir.",
            )
            return redirect(commission)
    return _form_page(
        request,
        commission,
        form,
        title="Ajouter un siège à pourvoir",
        submit="Ajouter le siège",
        intro="Le siège apparaît « à pourvoir » jusqu'à ce qu'un mandat le pourvoie.",
    )


@login_required
def section_president_set(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    form = SectionPresidentForm(request.POST or None, commission=commission, initial={"start": commission.today()})
    if request.method == "POST" and form.is_valid():
        section = get_object_or_404(Section, commission=commission, kind=form.cleaned_data["section"])
        try:
            presidency = services.section_president_set(
                section=section, person=form.cleaned_data["person"], start=form.cleaned_data["start"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{presidency.person.display_name} préside la {section.get_kind_display().lower()} "
                f"depuis le {presidency.start:%d/%m/%Y}.",
            )
            return redirect(commission)
    return _form_page(request, commission, form, title="Enregistrer un président de section", submit="Enregistrer")


@login_required
def designation_record(request, slug):
    commission = commission_for(request.user, slug, manage=True)
    form = DesignationForm(request.POST or None, commission=commission, initial={"designated_on": commission.today()})
    if request.method == "POST" and form.is_valid():
        try:
            designation = services.designation_record(commission=commission, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Présidence {designation.year} enregistrée : {designation.president.display_name}, président(e) ; "
                f"{designation.vice_president.display_name}, vice-président(e).",
            )
            return redirect(commission)
    return _form_page(
        request,
        commission,
        form,
        title="Enregistrer la désignation de la présidence",
        submit="Enregistrer la désignation",
        intro="Une désignation faite en séance prévaut sur la règle de rotation pour son année.",
    )


@login_required
@require_POST
def designation_delete(request, slug, designation_id):
    commission = commission_for(request.user, slug, manage=True)
    designation = get_object_or_404(PresidencyDesignation, pk=designation_id, commission=commission)
    designation.delete()
    messages.success(request, f"Désignation {designation.year} supprimée : la règle de rotation s'applique.")
    return redirect(commission)
