"""Who may do what with rankings and weight profiles (django-rules).

Every signed-in role may browse the published ranking (partner systems pull it over the API anyway);
evidence on the pages is filtered by what the viewer may read. Only JPO staff start, compare unpublished and
publish runs, ask "what if", and change weight profiles.
"""

import rules

from accounts.predicates import is_staff_member

rules.add_perm("priorities.browse_rankings", rules.is_authenticated)
rules.add_perm("priorities.manage_rankings", is_staff_member)
rules.add_perm("priorities.manage_profiles", is_staff_member)
