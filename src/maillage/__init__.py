"""maillage — territoires et offre de soins pour l'Assurance Maladie."""

__version__ = "0.1.0"
