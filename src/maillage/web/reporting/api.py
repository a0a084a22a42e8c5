from ninja import Router

router = Router(tags=["Chiffres clés"])
