"""Weight profiles: the list, creating and editing (direct weights or AHP), and "what if" without saving."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hipoc.forms import add_service_errors
from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require

from ..models import WeightProfile
from ..profile_forms import WeightProfileForm, judgement_field_name
from ..profile_settings import WeightMethod
from ..scoring import ScoringError
from ..scoring.weights import CONSISTENCY_LIMIT
from ..services import ranking_what_if, weight_profile_save


def profile_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "priorities.browse_rankings")
    profiles = WeightProfile.objects.select_related("created_by").order_by("-is_default", "name")
    return render(request, "priorities/weightprofile_list.html", {"profiles": profiles})


def _save(
    request: AuthenticatedRequest, form: WeightProfileForm, profile: WeightProfile | None
) -> WeightProfile | None:
    try:
        return weight_profile_save(
            identity=form.identity(), settings=form.profile_settings(), by=request.user, profile=profile
        )
    except ValidationError as error:
        add_service_errors(form, error)
    return None


def profile_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "priorities.manage_profiles")
    form = WeightProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (profile := _save(request, form, None)):
        messages.success(request, _("Weight profile %(name)s created.") % {"name": profile.name})
        return redirect("profile-edit", slug=profile.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "priorities/weightprofile_form.html", {"form": form, "profile": None}, status=status)


def profile_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Staff edit a profile, or save it under a new name as a new profile; others read it."""
    profile = get_object_or_404(WeightProfile, slug=slug)
    require(request, "priorities.browse_rankings")
    can_edit = request.user.has_perm("priorities.manage_profiles")
    if request.method == "POST":
        require(request, "priorities.manage_profiles")
        as_new = "save_as_new" in request.POST
        # A copy keeps the settings the form does not show (source weights, exclusions, …) from the original.
        form = WeightProfileForm(request.POST, instance=WeightProfile() if as_new else profile, base=profile.config)
        if form.is_valid() and (saved := _save(request, form, None if as_new else profile)):
            messages.success(
                request,
                _("Weight profile %(name)s saved (version %(version)s).")
                % {"name": saved.name, "version": saved.version},
            )
            return redirect("profile-edit", slug=saved.slug)
        status = 400
    else:
        form = WeightProfileForm(instance=profile)
        if profile.config.weight_method == WeightMethod.AHP:
            form.check_consistency()
        status = 200
    return render(
        request,
        "priorities/weightprofile_form.html",
        {"form": form, "profile": profile, "can_edit": can_edit},
        status=status,
    )


@require_POST
def ahp_check(request: AuthenticatedRequest) -> HttpResponse:
    """The AHP fieldset again, with the weights, the consistency ratio and the worst judgements marked."""
    require(request, "priorities.manage_profiles")
    form = WeightProfileForm(request.POST)
    form.is_valid()
    consistency = form.consistency or form.check_consistency()
    if consistency["ratio"] > CONSISTENCY_LIMIT:
        form.mark_inconsistent({judgement_field_name(*pair) for pair in consistency["worst"]})
    return render(request, "priorities/_ahp_fieldset.html", {"form": form})


@require_POST
def profile_what_if(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The ranking these (unsaved) settings would give, against the profile's published ranking."""
    require(request, "priorities.manage_profiles")
    profile = get_object_or_404(WeightProfile, slug=slug)
    form = WeightProfileForm(request.POST, instance=profile)
    rows, error = None, None
    if form.is_valid():
        try:
            rows = ranking_what_if(profile=profile, settings=form.profile_settings())
        except ScoringError as failure:
            error = failure.message
    else:
        error = _("Correct the settings marked in the form first.")
    return render(request, "priorities/_what_if.html", {"rows": rows, "error": error, "profile": profile})
