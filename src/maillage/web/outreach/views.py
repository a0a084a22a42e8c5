"""Pages of the support to health professionals (CPAM staff only, scoped to their départements).

Every page and export showing professionals' names or records is ``@personal_data`` (never
cached) and logs the professionals it shows (``accounts.audit.log_access``); changes are
recorded by the model history, GDPR exports and erasures by explicit audit events.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maillage.web import request_params as bounds
from maillage.web.accounts.audit import log_access, record_change
from maillage.web.accounts.models import AuditEntry
from maillage.web.accounts.permissions import role_required, staff_required
from maillage.web.accounts.personal_data import personal_data
from maillage.web.accounts.roles import Role, roles_of
from maillage.web.accounts.scope import require_departement, visible_departements
from maillage.web.exports import csv_bytes, download, json_bytes, xlsx_bytes
from maillage.web.supply.models import Professional

from . import forms, privacy, services, target_list
from .contracts import ContractRuleError
from .exports import records_csv, records_xlsx
from .models import (
    Campaign,
    Contact,
    Contract,
    FollowUp,
    Installation,
    Milestone,
    Payment,
    Webinar,
)

GDPR_FORMATS = {"json": json_bytes, "csv": records_csv, "xlsx": records_xlsx}


def _campaigns(user):
    return services.scoped(Campaign.objects.all(), user)


def _check_scope(user, departement_code):
    require_departement(user, departement_code)


def _rpps(professionals) -> list[str]:
    return [p.identifiant_national for p in professionals]


@staff_required
@personal_data
def index(request):
    user = request.user
    campaigns = list(_campaigns(user).select_related("departement")[:50])
    progress = services.campaign_progress(campaigns)
    for campaign in campaigns:
        campaign.contactes, campaign.total = progress[campaign.pk]
        campaign.taux = round(100 * campaign.contactes / campaign.total) if campaign.total else 0
    recent = list(
        services.scoped(Contact.objects.all(), user).select_related(
            "professional", "campagne", "auteur"
        )[:20]
    )
    follow_ups = list(
        services.scoped(
            FollowUp.objects.filter(fait=False), user, "contact__departement_id"
        ).select_related("contact__professional")[:20]
    )
    overdue = list(services.overdue_milestones(user)[:20])
    log_access(
        request,
        "contacts",
        "tableau-de-bord",
        "tableau de bord de l'accompagnement",
        rpps=_rpps(
            [c.professional for c in recent]
            + [f.contact.professional for f in follow_ups]
            + [m.installation.professional for m in overdue]
        ),
    )
    return render(
        request,
        "outreach/index.html",
        {
            "campaigns": campaigns,
            "recent": recent,
            "overdue": overdue,
            "follow_ups": follow_ups,
            "today": dt.date.today(),
        },
    )


@staff_required
def campaign_new(request):
    departements = forms.staff_departements(request.user)
    form = forms.CampaignForm(request.POST or None, departements=departements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        criteria = {
            "professions": data["professions"],
            "commune": data["commune"] or None,
            "liberal": data["liberal"],
            "indicateur": data["indicateur"] or None,
            "annee_indicateur": data["annee_indicateur"],
            "seuil": data["seuil"],
        }
        with transaction.atomic():
            campaign = Campaign.objects.create(
                theme=data["theme"],
                description=data["description"],
                portee=data["portee"],
                departement=data["departement"],
                professions=data["professions"],
                canaux=data["canaux"],
                debut=data["debut"],
                fin=data["fin"],
                criteres=criteria,
                cree_par=request.user,
            )
            count = services.set_targets(
                campaign,
                services.target_professionals(
                    data["departement"].code,
                    data["professions"],
                    data["commune"] or None,
                    data["liberal"],
                    data["indicateur"] or None,
                    data["annee_indicateur"],
                    data["seuil"],
                ),
            )
        messages.success(request, f"Campagne créée : {count} professionnels ciblés.")
        return redirect("outreach:campaign", pk=campaign.pk)
    return render(request, "outreach/form.html", {"form": form, "title": "Nouvelle campagne"})


@staff_required
@personal_data
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    _check_scope(request.user, campaign.departement_id)
    progress = services.campaign_progress([campaign])[campaign.pk]
    options = target_list.read_options(request.GET)
    rows = target_list.targets(campaign, options)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        rows = list(rows)
        log_access(
            request,
            "campagne-cibles",
            str(pk),
            f"export {export} des cibles",
            rpps=_rpps(t.professional for t in rows),
        )
        sheet = target_list.table(campaign, rows)
        data = csv_bytes(sheet) if export == "csv" else xlsx_bytes([sheet])
        return download(data, f"campagne-{campaign.pk}-cibles.{export}")
    page = Paginator(rows, target_list.PAGE_SIZE).get_page(bounds.PAGE.get(request.GET, "page", 1))
    log_access(
        request,
        "campagne-cibles",
        str(pk),
        "suivi d'une campagne",
        rpps=_rpps(t.professional for t in page.object_list),
    )
    contacted, total = progress
    return render(
        request,
        "outreach/campaign.html",
        {
            "campaign": campaign,
            "page": page,
            "options": options,
            "professions": target_list.professions(campaign),
            "headers": target_list.headers(options),
            "prev_query": page.has_previous() and options.query(page=page.previous_page_number()),
            "next_query": page.has_next() and options.query(page=page.next_page_number()),
            "total": total,
            "contacted": contacted,
            "rate": round(100 * contacted / total) if total else 0,
        },
    )


@staff_required
@personal_data
def contact_new(request):
    user = request.user
    campaigns = _campaigns(user).filter(fin__gte=dt.date.today() - dt.timedelta(days=365))
    initial = {
        "rpps": bounds.RPPS.get(request.GET, "rpps", ""),
        "campagne": bounds.PK.get(request.GET, "campagne"),
    }
    form = forms.ContactForm(request.POST or None, campaigns=campaigns, initial=initial, user=user)
    query = bounds.SEARCH.get(request.GET, "q", "")
    results = services.search_professionals(user, query) if query else []
    if results:
        # What was typed is not logged (it may be a name); who was shown is.
        log_access(
            request,
            "recherche-professionnels",
            purpose="recherche de la saisie d'un contact",
            rpps=[r["rpps"] for r in results],
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        professional, code = data["rpps"], form.departement
        _check_scope(user, code)
        with transaction.atomic():
            contact = Contact.objects.create(
                professional=professional,
                departement_id=code,
                canal=data["canal"],
                date=data["date"],
                campagne=data["campagne"],
                sujet=data["sujet"],
                auteur=user,
                equipe=data["equipe"],
                resultat=data["resultat"],
                commentaire=data["commentaire"],
            )
            if data["suite"]:
                FollowUp.objects.create(
                    contact=contact, libelle=data["suite"], echeance=data["suite_echeance"]
                )
        messages.success(request, f"Contact enregistré : {contact}.")
        return redirect(reverse("outreach:contact_new") + f"?campagne={contact.campagne_id or ''}")
    return render(
        request,
        "outreach/contact_form.html",
        {"form": form, "query": query, "results": results},
    )


@staff_required
@personal_data
def search(request):
    """Small JSON endpoint of the contact form's progressive enhancement."""
    results = services.search_professionals(request.user, bounds.SEARCH.get(request.GET, "q", ""))
    if results:
        log_access(
            request,
            "recherche-professionnels",
            purpose="recherche de professionnels",
            rpps=[r["rpps"] for r in results],
        )
    return JsonResponse({"results": results})


def _professional_for(request, rpps: str) -> tuple[Professional, str]:
    """The professional of ``rpps`` if they practise in the user's scope, and the département
    of that scope they belong to; otherwise the same 404 as for a number that does not
    exist (the file must not tell who exists outside the scope)."""
    professional = Professional.objects.filter(identifiant_national=rpps).first()
    code = services.reader_departement(request.user, professional) if professional else None
    if code is None:
        raise Http404(forms.UNKNOWN_RPPS)
    return professional, code


@staff_required
@personal_data
def professional(request, rpps: str):
    professional, code = _professional_for(request, rpps)
    log_access(
        request,
        "fiche-professionnel",
        rpps,
        "fiche d'accompagnement du professionnel",
        rpps=[rpps],
    )
    return render(
        request,
        "outreach/professional.html",
        {
            "professional": professional,
            "departement": code,
            # Only the records of the reader's départements (all for administrators).
            "contacts": services.scoped(
                professional.contacts_accompagnement.select_related(
                    "campagne", "auteur", "webinaire"
                ).prefetch_related("suites"),
                request.user,
            ),
            "installations": services.scoped(
                professional.installations.prefetch_related("jalons"), request.user
            ),
            "contracts": services.scoped(professional.contrats_accompagnement.all(), request.user),
            "can_erase": Role.ADMINISTRATEUR in roles_of(request.user),
        },
    )


@staff_required
@personal_data
def professional_export(request, rpps: str, fmt: str):
    if fmt not in GDPR_FORMATS:
        raise Http404("format inconnu")
    professional, _ = _professional_for(request, rpps)
    records = services.professional_records(professional, request.user)
    log_access(request, "export-rgpd", rpps, f"export RGPD ({fmt})", rpps=[rpps])
    record_change(
        request.user,
        professional,
        AuditEntry.Action.EXPORT,
        comment=f"export des données d'accompagnement ({fmt}) à la demande du professionnel",
    )
    data = GDPR_FORMATS[fmt](records)
    return download(data, f"accompagnement-{rpps}.{fmt}")


@role_required(Role.ADMINISTRATEUR)
@require_POST
def professional_erase(request, rpps: str):
    professional = get_object_or_404(Professional, identifiant_national=rpps)
    counts = privacy.erase_professional_records(professional, request.user)
    messages.success(
        request,
        f"Données d'accompagnement effacées : {counts['contacts']} contacts, "
        f"{counts['installations']} parcours d'installation ; "
        f"{counts['contrats_conserves']} contrats conservés (obligation comptable).",
    )
    return redirect("outreach:index")


@staff_required
@personal_data
def webinars(request):
    user = request.user
    departements = forms.staff_departements(user)
    form = forms.WebinarForm(
        request.POST or None, departements=departements, campaigns=_campaigns(user), user=user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        where = form.participant_departements
        _check_scope(user, data["departement"].code)
        for code in where.values():
            _check_scope(user, code)
        with transaction.atomic():
            webinar = Webinar.objects.create(
                titre=data["titre"],
                date=data["date"],
                departement=data["departement"],
                campagne=data["campagne"],
                equipe=data["equipe"],
                participants_non_identifies=data["participants_non_identifies"],
            )
            Contact.objects.bulk_create(
                [
                    Contact(
                        professional=p,
                        departement_id=where[p.pk],
                        canal="webinaire",
                        date=webinar.date,
                        campagne=webinar.campagne,
                        sujet=webinar.titre[:200],
                        webinaire=webinar,
                        auteur=user,
                        equipe=webinar.equipe,
                    )
                    for p in data["participants"]
                ]
            )
        messages.success(
            request,
            f"Webinaire enregistré avec {len(data['participants'])} participants identifiés.",
        )
        return redirect("outreach:webinars")
    items = services.scoped(Webinar.objects.all(), user).select_related("campagne")
    return render(request, "outreach/webinars.html", {"form": form, "webinars": items})


@staff_required
@personal_data
def installations(request):
    user = request.user
    form = forms.InstallationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        professional, code = form.cleaned_data["rpps"], form.departement
        _check_scope(user, code)
        services.create_installation(professional, code, form.cleaned_data["date_installation"])
        messages.success(request, "Installation enregistrée avec ses étapes de suivi.")
        return redirect("outreach:installations")
    return _installations_page(request, form)


def _installations_page(request, form, status=200, checked=None):
    """The installations page; ``checked`` = (installation pk, check form with errors)."""
    user = request.user
    items = list(
        services.scoped(Installation.objects.all(), user)
        .select_related("professional")
        .prefetch_related("jalons")
    )
    log_access(
        request,
        "installations",
        "liste",
        "parcours d'installation",
        rpps=_rpps(i.professional for i in items),
    )
    return render(
        request,
        "outreach/installations.html",
        {
            "form": form,
            "installations": items,
            "today": dt.date.today(),
            "check_form": forms.CheckForm(),
            "checked_pk": checked[0] if checked else None,
            "checked_form": checked[1] if checked else None,
        },
        status=status,
    )


@staff_required
@require_POST
def installations_detect(request):
    codes = visible_departements(request.user)
    if codes is None:
        created = services.detect_installations()
    else:
        created = sum(services.detect_installations(code) for code in codes)
    messages.success(
        request,
        f"{created} nouvelles installations détectées entre les deux derniers imports RPPS.",
    )
    return redirect("outreach:installations")


@staff_required
@require_POST
def milestone_done(request, pk: int):
    milestone = get_object_or_404(Milestone.objects.select_related("installation"), pk=pk)
    _check_scope(request.user, milestone.installation.departement_id)
    milestone.realise_le = dt.date.today()
    milestone.save(update_fields=["realise_le"])
    return redirect("outreach:installations")


@personal_data
@staff_required
@require_POST
def installation_check(request, pk: int):
    installation = get_object_or_404(Installation, pk=pk)
    _check_scope(request.user, installation.departement_id)
    form = forms.CheckForm(request.POST)
    if not form.is_valid():
        return _installations_page(
            request, forms.InstallationForm(user=request.user), checked=(pk, form)
        )
    for name, value in form.cleaned_data.items():
        setattr(installation, name, value)
    installation.save()
    messages.success(request, "Résultat du contrôle pédagogique enregistré.")
    return redirect("outreach:installations")


@staff_required
@personal_data
def contracts(request):
    user = request.user
    form = forms.ContractForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        professional, code = data["rpps"], form.departement
        _check_scope(user, code)
        try:
            contract = services.create_contract(
                professional,
                code,
                data["kind"],
                data["date_signature"],
                form.options(),
                data["zone"],
                user,
            )
        except ContractRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Contrat enregistré avec son échéancier.")
            return redirect("outreach:contract", pk=contract.pk)
    items = list(services.scoped(Contract.objects.all(), user).select_related("professional"))
    log_access(
        request,
        "contrats-professionnels",
        "liste",
        "contrats avec les professionnels",
        rpps=_rpps(c.professional for c in items),
    )
    return render(request, "outreach/contracts.html", {"form": form, "contracts": items})


@staff_required
@personal_data
def contract_detail(request, pk: int):
    contract = get_object_or_404(Contract.objects.select_related("professional"), pk=pk)
    _check_scope(request.user, contract.departement_id)
    form = forms.PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Payment.objects.create(contrat=contract, **form.cleaned_data)
        return redirect("outreach:contract", pk=pk)
    log_access(
        request,
        "contrat-professionnel",
        str(pk),
        "consultation d'un contrat",
        rpps=[contract.professional.identifiant_national],
    )
    paid = sum((p.montant for p in contract.versements.all()), start=0)
    return render(
        request,
        "outreach/contract.html",
        {
            "contract": contract,
            "form": form,
            "paid": paid,
            "remaining": contract.montant_total - paid,
        },
    )


@staff_required
@require_POST
def follow_up_done(request, pk: int):
    follow_up = get_object_or_404(FollowUp.objects.select_related("contact"), pk=pk)
    _check_scope(request.user, follow_up.contact.departement_id)
    follow_up.fait, follow_up.fait_le = True, dt.date.today()
    follow_up.save(update_fields=["fait", "fait_le"])
    return redirect("outreach:index")
