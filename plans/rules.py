"""Who may see and change cooperation plans (django-rules): JPO staff, who make them."""

import rules

from accounts.predicates import is_staff_member

rules.add_perm("plans.browse_plans", is_staff_member)
rules.add_perm("plans.change_plans", is_staff_member)
