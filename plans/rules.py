"""Who may see and change cooperation plans (django-rules): JPO staff, who make them; partner systems read the plans
staff share over the API."""

import rules

from accounts.predicates import is_partner_system, is_staff_member

rules.add_perm("plans.browse_plans", is_staff_member)
rules.add_perm("plans.change_plans", is_staff_member)
rules.add_perm("plans.read_plans", is_staff_member | is_partner_system)
