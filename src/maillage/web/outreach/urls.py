from django.urls import path

from . import own_file, views

app_name = "outreach"
urlpatterns = [
    path("", views.index, name="index"),
    path("mon-dossier/", own_file.own_file, name="own_file"),
    path("campagnes/nouvelle/", views.campaign_new, name="campaign_new"),
    path("campagnes/<pk:pk>/", views.campaign_detail, name="campaign"),
    path("contacts/nouveau/", views.contact_new, name="contact_new"),
    path("recherche.json", views.search, name="search"),
    path("professionnels/<rpps:rpps>/", views.professional, name="professional"),
    path(
        "professionnels/<rpps:rpps>/export.<str:fmt>",
        views.professional_export,
        name="professional_export",
    ),
    path(
        "professionnels/<rpps:rpps>/effacer/", views.professional_erase, name="professional_erase"
    ),
    path("webinaires/", views.webinars, name="webinars"),
    path("installations/", views.installations, name="installations"),
    path("installations/detecter/", views.installations_detect, name="installations_detect"),
    path("installations/<pk:pk>/controle/", views.installation_check, name="installation_check"),
    path("suites/<pk:pk>/faite/", views.follow_up_done, name="follow_up_done"),
    path("jalons/<pk:pk>/realise/", views.milestone_done, name="milestone_done"),
    path("contrats/", views.contracts, name="contracts"),
    path("contrats/<pk:pk>/", views.contract_detail, name="contract"),
]
