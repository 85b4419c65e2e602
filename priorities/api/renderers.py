"""A ranking's results as a table: CSV for spreadsheets and partner systems that want no JSON."""

import csv
import io

from rest_framework.renderers import BaseRenderer

from hipoc.spreadsheets import spreadsheet_row


class RankingCSVRenderer(BaseRenderer):
    """A ranking's results as CSV (`?format=csv` or `Accept: text/csv`)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    columns = ("rank", "iso3", "country", "score", "rank_p05", "rank_median", "rank_p95", "p_top10", "top_areas")

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:  # 304 Not Modified
            return b""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        for row in data["results"]:
            writer.writerow(
                spreadsheet_row(
                    ";".join(row.get(name) or []) if name == "top_areas" else row.get(name) for name in self.columns
                )
            )
        return buffer.getvalue().encode("utf-8")
