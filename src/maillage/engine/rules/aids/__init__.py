"""Installation and practice aids, one function per aid, grouped by convention and profession.

- :mod:`.doctors_2016`: CAIM, COSCOM, COTRAM, CSTM (convention médicale 2016, until 2025);
- :mod:`.doctors_2024`: first installation, secondary practice, forfait médecin traitant
  majorations (convention médicale 2024, from 2026);
- :mod:`.state`: contrat de début d'exercice and tax exemptions;
- :mod:`.paramedical`: physiotherapists' and nurses' installation aids;
- :mod:`.simulator`: :func:`simulate_aids`, every aid of a profession for one project.

Each aid function takes ``(zone, project, rules)`` and returns an :class:`Aid` or the
:class:`Refusal` saying why it does not apply; the contracts recorded by the CPAM call the same
functions (``web/outreach/contracts.py``).
"""

from .doctors_2016 import caim, coscom, cotram, cstm
from .doctors_2024 import first_installation, secondary_practice
from .model import Aid, AidRules, Instalment, Project, Refusal
from .paramedical import nurse_installation, physiotherapist_installation
from .simulator import AidSimulation, simulate_aids

__all__ = [
    "Aid",
    "AidRules",
    "AidSimulation",
    "Instalment",
    "Project",
    "Refusal",
    "caim",
    "coscom",
    "cotram",
    "cstm",
    "first_installation",
    "nurse_installation",
    "physiotherapist_installation",
    "secondary_practice",
    "simulate_aids",
]
