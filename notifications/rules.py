"""Who may manage partners' webhook endpoints (django-rules): JPO staff only."""

import rules

from accounts import roles

is_staff_member = rules.is_superuser | rules.is_group_member(roles.JPO_STAFF)

rules.add_perm("notifications.manage_webhooks", is_staff_member)
