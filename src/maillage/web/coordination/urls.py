from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.index, name="index"),
    path("departements/<departement:code>/", views.dashboard_departement, name="departement"),
    path("regions/<region:code>/", views.dashboard_region, name="region"),
    path("structures/<pk:pk>/", views.structure, name="structure"),
    path("structures/<pk:pk>/evenements/", views.event_add, name="event_add"),
    path("structures/<pk:pk>/membres/", views.member_add, name="member_add"),
    path("structures/<pk:pk>/dossier/", views.dossier_edit, name="dossier_edit"),
    path("structures/<pk:pk>/contrats/", views.contract_add, name="contract_add"),
    path("documents/<pk:pk>/", views.document, name="document"),
    path("contrats/<pk:pk>/", views.contract, name="contrat"),
    path("contrats/<pk:pk>/modifier/", views.contract_edit, name="contract_edit"),
    path("contrats/<pk:pk>/missions/", views.mission_add, name="mission_add"),
    path("missions/<pk:pk>/", views.mission_edit, name="mission_edit"),
    path("missions/<pk:pk>/indicateurs/", views.indicator_add, name="indicator_add"),
    path("contrats/<pk:pk>/resultats/", views.result_add, name="result_add"),
    path("resultats/<pk:pk>/valider/", views.result_validate, name="result_validate"),
    path("contrats/<pk:pk>/dialogues/", views.dialogue_add, name="dialogue_add"),
    path("contrats/<pk:pk>/paiements/", views.payment_add, name="payment_add"),
    path("paiements/<pk:pk>/supprimer/", views.payment_delete, name="payment_delete"),
    path("contrats/<pk:pk>/exercices/", views.exercise_add, name="exercise_add"),
    path("contrats/<pk:pk>/criteres/", views.criterion_add, name="criterion_add"),
    path("contrats/<pk:pk>/releve.<str:fmt>", views.export, name="export"),
    path("contrats/<pk:pk>/historique.csv", views.audit_csv, name="audit_csv"),
]
