"""Role flags for templates, so navigation shows each user what their role may use."""

from django.http import HttpRequest


def roles(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_jpo_staff": False, "is_expert": False, "is_partner_system": False}
    return {"is_jpo_staff": user.is_jpo_staff, "is_expert": user.is_expert, "is_partner_system": user.is_partner_system}
