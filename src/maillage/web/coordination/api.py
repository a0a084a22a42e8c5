from ninja import Router

router = Router(tags=["Exercice coordonné"])
