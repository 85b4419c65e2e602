"""Who may do what with countries and their indicators (django-rules).

Every signed-in role reads indicators; staff bring new values in.
"""

import rules

from accounts.predicates import is_staff_member

rules.add_perm("countries.import_indicators", is_staff_member)
rules.add_perm("countries.browse_indicators", rules.is_authenticated)
