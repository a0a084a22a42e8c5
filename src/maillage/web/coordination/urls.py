from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.index, name="index"),
    path("departements/<str:code>/", views.dashboard_departement, name="departement"),
    path("regions/<str:code>/", views.dashboard_region, name="region"),
    path("structures/<int:pk>/", views.structure, name="structure"),
    path("structures/<int:pk>/evenements/", views.event_add, name="event_add"),
    path("structures/<int:pk>/membres/", views.member_add, name="member_add"),
    path("structures/<int:pk>/dossier/", views.dossier_edit, name="dossier_edit"),
    path("structures/<int:pk>/contrats/", views.contract_add, name="contract_add"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("contrats/<int:pk>/", views.contract, name="contrat"),
    path("contrats/<int:pk>/modifier/", views.contract_edit, name="contract_edit"),
    path("contrats/<int:pk>/missions/", views.mission_add, name="mission_add"),
    path("missions/<int:pk>/", views.mission_edit, name="mission_edit"),
    path("missions/<int:pk>/indicateurs/", views.indicator_add, name="indicator_add"),
    path("contrats/<int:pk>/resultats/", views.result_add, name="result_add"),
    path("resultats/<int:pk>/valider/", views.result_validate, name="result_validate"),
    path("contrats/<int:pk>/dialogues/", views.dialogue_add, name="dialogue_add"),
    path("contrats/<int:pk>/paiements/", views.payment_add, name="payment_add"),
    path("paiements/<int:pk>/supprimer/", views.payment_delete, name="payment_delete"),
    path("contrats/<int:pk>/exercices/", views.exercise_add, name="exercise_add"),
    path("contrats/<int:pk>/criteres/", views.criterion_add, name="criterion_add"),
    path("contrats/<int:pk>/releve.<str:fmt>", views.export, name="export"),
    path("contrats/<int:pk>/historique.csv", views.audit_csv, name="audit_csv"),
]
