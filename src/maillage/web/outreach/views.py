"""Pages of the support to health professionals (CPAM staff only, scoped to their départements).

Every page showing a professional's contact records logs the consultation (accounts.audit).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maillage.web.accounts.audit import log_access, record_change, snapshot
from maillage.web.accounts.models import AuditEntry
from maillage.web.accounts.permissions import role_required, staff_required, visible_departements
from maillage.web.accounts.roles import Role
from maillage.web.exports import download, json_bytes
from maillage.web.supply.models import Professional

from . import forms, services
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
    if not services.can_see(user, departement_code):
        raise PermissionDenied("Ce département n'est pas dans votre périmètre.")


@staff_required
def index(request):
    user = request.user
    campaigns = list(_campaigns(user).select_related("departement")[:50])
    progress = services.campaign_progress(campaigns)
    for campaign in campaigns:
        campaign.contactes, campaign.total = progress[campaign.pk]
        campaign.taux = round(100 * campaign.contactes / campaign.total) if campaign.total else 0
    recent = services.scoped(Contact.objects.all(), user).select_related(
        "professional", "campagne", "auteur"
    )[:20]
    log_access(user, "contacts", "liste-recente", "tableau de bord de l'accompagnement")
    follow_ups = services.scoped(
        FollowUp.objects.filter(fait=False), user, "contact__departement_id"
    ).select_related("contact__professional")[:20]
    return render(
        request,
        "outreach/index.html",
        {
            "campaigns": campaigns,
            "recent": recent,
            "overdue": services.overdue_milestones(user)[:20],
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
            record_change(
                request.user, campaign, AuditEntry.Action.CREATION, None, snapshot(campaign)
            )
        messages.success(request, f"Campagne créée : {count} professionnels ciblés.")
        return redirect("outreach:campaign", pk=campaign.pk)
    return render(request, "outreach/form.html", {"form": form, "title": "Nouvelle campagne"})


@staff_required
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    _check_scope(request.user, campaign.departement_id)
    targets = list(services.targets_with_status(campaign))
    contacted = sum(t.contacte for t in targets)
    log_access(request.user, "campagne-cibles", str(pk), "suivi d'une campagne")
    return render(
        request,
        "outreach/campaign.html",
        {
            "campaign": campaign,
            "targets": targets,
            "contacted": contacted,
            "rate": round(100 * contacted / len(targets)) if targets else 0,
        },
    )


@staff_required
def contact_new(request):
    user = request.user
    campaigns = _campaigns(user).filter(fin__gte=dt.date.today() - dt.timedelta(days=365))
    initial = {"rpps": request.GET.get("rpps", ""), "campagne": request.GET.get("campagne")}
    form = forms.ContactForm(request.POST or None, campaigns=campaigns, initial=initial)
    query = request.GET.get("q", "")
    results = services.search_professionals(user, query) if query else []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        professional = data["rpps"]
        code = services.departement_of(professional)
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
            record_change(user, contact, AuditEntry.Action.CREATION, None, snapshot(contact))
        messages.success(request, f"Contact enregistré : {contact}.")
        return redirect(reverse("outreach:contact_new") + f"?campagne={contact.campagne_id or ''}")
    return render(
        request,
        "outreach/contact_form.html",
        {"form": form, "query": query, "results": results},
    )


@staff_required
def search(request):
    """Small JSON endpoint of the contact form's progressive enhancement."""
    return JsonResponse(
        {"results": services.search_professionals(request.user, request.GET.get("q", ""))}
    )


def _professional_for(request, rpps: str) -> tuple[Professional, str | None]:
    professional = get_object_or_404(Professional, identifiant_national=rpps)
    code = services.departement_of(professional)
    _check_scope(request.user, code)
    return professional, code


@staff_required
def professional(request, rpps: str):
    professional, code = _professional_for(request, rpps)
    log_access(request.user, "contacts", rpps, "fiche d'accompagnement du professionnel")
    return render(
        request,
        "outreach/professional.html",
        {
            "professional": professional,
            "departement": code,
            "contacts": professional.contacts_accompagnement.select_related(
                "campagne", "auteur", "webinaire"
            ).prefetch_related("suites"),
            "installations": professional.installations.prefetch_related("jalons"),
            "contracts": professional.contrats_accompagnement.all(),
            "can_erase": Role.ADMINISTRATEUR in _roles(request.user),
        },
    )


def _roles(user):
    from maillage.web.accounts.roles import roles_of

    return roles_of(user)


@staff_required
def professional_export(request, rpps: str, fmt: str):
    if fmt not in GDPR_FORMATS:
        raise Http404("format inconnu")
    professional, _ = _professional_for(request, rpps)
    records = services.professional_records(professional)
    log_access(request.user, "contacts", rpps, f"export RGPD ({fmt})")
    record_change(
        request.user,
        professional,
        AuditEntry.Action.VALIDATION,
        None,
        None,
        comment=f"export des données d'accompagnement ({fmt}) à la demande du professionnel",
    )
    data = GDPR_FORMATS[fmt](records)
    return download(data, f"accompagnement-{rpps}.{fmt}")


@role_required(Role.ADMINISTRATEUR)
@require_POST
def professional_erase(request, rpps: str):
    professional = get_object_or_404(Professional, identifiant_national=rpps)
    counts = services.erase_professional_records(professional, request.user)
    messages.success(
        request,
        f"Données d'accompagnement effacées : {counts['contacts']} contacts, "
        f"{counts['installations']} parcours d'installation ; "
        f"{counts['contrats_conserves']} contrats conservés (obligation comptable).",
    )
    return redirect("outreach:index")


@staff_required
def webinars(request):
    user = request.user
    departements = forms.staff_departements(user)
    form = forms.WebinarForm(
        request.POST or None, departements=departements, campaigns=_campaigns(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
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
                        departement_id=services.departement_of(p) or webinar.departement_id,
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
def installations(request):
    user = request.user
    form = forms.InstallationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        professional = form.cleaned_data["rpps"]
        code = services.departement_of(professional)
        _check_scope(user, code)
        installation, created = services.create_installation(
            professional, code, form.cleaned_data["date_installation"]
        )
        if created:
            record_change(
                user, installation, AuditEntry.Action.CREATION, None, snapshot(installation)
            )
        messages.success(request, "Installation enregistrée avec ses étapes de suivi.")
        return redirect("outreach:installations")
    items = (
        services.scoped(Installation.objects.all(), user)
        .select_related("professional")
        .prefetch_related("jalons")
    )
    log_access(user, "installations", "liste", "parcours d'installation")
    return render(
        request,
        "outreach/installations.html",
        {
            "form": form,
            "installations": items,
            "today": dt.date.today(),
            "check_form": forms.CheckForm(),
        },
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
    before = snapshot(milestone)
    milestone.realise_le = dt.date.today()
    milestone.save(update_fields=["realise_le"])
    record_change(
        request.user, milestone, AuditEntry.Action.MODIFICATION, before, snapshot(milestone)
    )
    return redirect("outreach:installations")


@staff_required
@require_POST
def installation_check(request, pk: int):
    installation = get_object_or_404(Installation, pk=pk)
    _check_scope(request.user, installation.departement_id)
    form = forms.CheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Contrôle non enregistré : date et résultat requis.")
        return redirect("outreach:installations")
    before = snapshot(installation)
    for name, value in form.cleaned_data.items():
        setattr(installation, name, value)
    installation.save()
    record_change(
        request.user, installation, AuditEntry.Action.MODIFICATION, before, snapshot(installation)
    )
    messages.success(request, "Résultat du contrôle pédagogique enregistré.")
    return redirect("outreach:installations")


@staff_required
def contracts(request):
    user = request.user
    form = forms.ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        professional = data["rpps"]
        code = services.departement_of(professional)
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
    items = services.scoped(Contract.objects.all(), user).select_related("professional")
    return render(request, "outreach/contracts.html", {"form": form, "contracts": items})


@staff_required
def contract_detail(request, pk: int):
    contract = get_object_or_404(Contract.objects.select_related("professional"), pk=pk)
    _check_scope(request.user, contract.departement_id)
    form = forms.PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payment = Payment.objects.create(contrat=contract, **form.cleaned_data)
        record_change(request.user, payment, AuditEntry.Action.CREATION, None, snapshot(payment))
        return redirect("outreach:contract", pk=pk)
    log_access(request.user, "contrat", str(pk), "consultation d'un contrat")
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
    before = snapshot(follow_up)
    follow_up.fait, follow_up.fait_le = True, dt.date.today()
    follow_up.save(update_fields=["fait", "fait_le"])
    record_change(
        request.user, follow_up, AuditEntry.Action.MODIFICATION, before, snapshot(follow_up)
    )
    return redirect("outreach:index")
