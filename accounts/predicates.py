"""The role predicates every app's rules are built from (django-rules), defined once."""

import rules

from . import roles

is_staff_member = rules.is_superuser | rules.is_group_member(roles.JPO_STAFF)
is_expert = rules.is_group_member(roles.EXPERT)
is_partner_system = rules.is_group_member(roles.PARTNER_SYSTEM)
