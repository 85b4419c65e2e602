"""Who may manage partners' webhook endpoints (django-rules): JPO staff only."""

import rules

from accounts.predicates import is_staff_member

rules.add_perm("notifications.manage_webhooks", is_staff_member)
