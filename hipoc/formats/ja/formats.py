"""Japanese input formats: dates are typed as 2026/12/06 (and ISO 2026-12-06 or 2026年12月6日 are read too);
Django's own Japanese formats give no input formats, so a Japanese page would fall back to the American ones."""

DATE_INPUT_FORMATS = ["%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日"]
