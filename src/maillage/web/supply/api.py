from ninja import Router

router = Router(tags=["Offre de soins"])
