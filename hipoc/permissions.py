"""One way to decide a permission: the django-rules permissions each app declares in its `rules.py`.

Pages call `require()`, API views declare a `rules` table read by `RulePermission` (the API's default), and
templates use `{% has_perm %}`; all three ask the same `user.has_perm(name, obj)`.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.permissions import BasePermission


def require(request: HttpRequest, permission: str, obj=None) -> None:
    """Refuse the request (403) unless the user holds the permission, on the object where one is given."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


class RulePermission(BasePermission):
    """Checks the view's `rules` for its action: `{"action": {"list": perm, "object": perm}}`, where `list` is
    checked for every request and `object` on the object the action touches; the key "*" covers actions not named.
    A view without `rules` only needs a signed-in user."""

    def _rule(self, view, scope: str) -> str | None:
        table = getattr(view, "rules", {})
        return (table.get(view.action) or table.get("*") or {}).get(scope)

    def has_permission(self, request, view) -> bool:
        rule = self._rule(view, "list")
        return rule is None or request.user.has_perm(rule)

    def has_object_permission(self, request, view, obj) -> bool:
        rule = self._rule(view, "object")
        return rule is None or request.user.has_perm(rule, obj)
