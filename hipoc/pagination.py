"""The page size of the paginated list pages, bounded: `?per_page=` takes 1 to `MAX_PER_PAGE` rows."""

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig, Table

MAX_PER_PAGE = 100


class PageSizeForm(forms.Form):
    per_page = forms.IntegerField(label=_("rows per page"), min_value=1, max_value=MAX_PER_PAGE, required=False)


def paginate_table(request: HttpRequest, table: Table, *, per_page: int = 25) -> list[str]:
    """Sort and paginate a list page's table from the request. A page size outside 1 to `MAX_PER_PAGE` is refused:
    its errors come back for the page to show (and answer 400 with), and the table shows `per_page` rows."""
    form = PageSizeForm(request.GET)
    errors: list[str] = []
    if not form.is_valid():
        errors = [str(_("Rows per page: %(error)s") % {"error": error}) for error in form.errors["per_page"]]
        query = request.GET.copy()
        query.pop("per_page")
        request.GET = query  # type: ignore[assignment]
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return errors
