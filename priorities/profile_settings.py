"""A weight profile's settings: the one list of what a profile sets, with each setting's type, default, bounds and
help text.

Everything else is derived from `ProfileSettings`: the profile form's fields, the API's profile representation,
the snapshot a run copies, the matrix's `parameters`, the database's check constraints and the validation that
turns stored or submitted JSON into settings. A new setting is one new field here (and `makemigrations` for the
constraint it brings); code that uses it reads `profile.config.<name>` or `settings.<name>`.
"""

import copy
import dataclasses
import math
from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from countries.models import Treaty

from .scoring.weights import SAATY_MAX, SAATY_MIN

POLICY = "policy"
FIELD_NEED = "field.need"
FIELD_READINESS = "field.readiness"
NEEDS_STAKEHOLDER = "needs.stakeholder"
HISTORY_CONTINUITY = "history.continuity"
HISTORY_STAGE = "history.stage"
HISTORY_NEXT_STEP = "history.next_step"
TREATY_PREFIX = "treaty."
# Years of membership beyond which a treaty counts as fully established in a country: a quarter century spans a
# generation of examiners and the office's practice under the treaty; longer adds nothing.
TREATY_YEARS_GOALPOST = 25.0
BUILT_IN_CRITERIA = (
    FIELD_NEED,
    FIELD_READINESS,
    NEEDS_STAKEHOLDER,
    HISTORY_CONTINUITY,
    HISTORY_STAGE,
    HISTORY_NEXT_STEP,
)
# Criteria estimated from recency-weighted evidence, each backed by an effective amount of it and shrunk toward a
# prior by how little there is.
ESTIMATED_CRITERIA = (FIELD_NEED, FIELD_READINESS, NEEDS_STAKEHOLDER)

# The weights a new profile starts from: what a JPO planner would call a balanced view.
DEFAULT_CRITERION_WEIGHTS = {
    POLICY: 0.30,
    FIELD_NEED: 0.20,
    FIELD_READINESS: 0.15,
    NEEDS_STAKEHOLDER: 0.15,
    HISTORY_CONTINUITY: 0.10,
    HISTORY_STAGE: 0.05,
    HISTORY_NEXT_STEP: 0.05,
}


# Weights are relative; one beyond this is a typing error, and would drown the others' rounding.
LARGEST_WEIGHT = 1e12


class WeightMethod(models.TextChoices):
    DIRECT = "direct", _("Direct weights")
    EQUAL = "equal", _("Equal weights")
    AHP = "ahp", _("AHP pairwise comparisons")


class Normalization(models.TextChoices):
    MIN_MAX = "minmax", _("Min-max")
    Z_SCORE = "zscore", _("z-score")
    PERCENTILE = "percentile", _("Percentile rank")


class Aggregation(models.TextChoices):
    WAM = "wam", _("Weighted arithmetic mean")
    WGM = "wgm", _("Weighted geometric mean")
    TOPSIS = "topsis", _("TOPSIS")


class LadderDirection(models.TextChoices):
    """Whether a country further up the independence ladder comes first or last."""

    FURTHER_FIRST = "benefit", _("Countries further up the ladder first (build on progress)")
    STARTING_FIRST = "cost", _("Countries starting out first (help them onto the ladder)")


class ContextTransform(models.TextChoices):
    """How a context indicator's latest value is read before it is scored."""

    NONE = "none", _("As published")
    LOG = "log", _("Logarithm: log10(1 + value)")
    PER_CAPITA = "per_capita", _("Per million people (divided by SP.POP.TOTL)")
    PER_GDP = "per_gdp", _("Per billion US$ of GDP (divided by NY.GDP.PCAP.CD × SP.POP.TOTL)")


POPULATION, GDP_PER_CAPITA = "SP.POP.TOTL", "NY.GDP.PCAP.CD"
# The indicators each transform divides by (GDP is GDP per capita × population).
DENOMINATORS: dict[str, tuple[str, ...]] = {
    ContextTransform.NONE: (),
    ContextTransform.LOG: (),
    ContextTransform.PER_CAPITA: (POPULATION,),
    ContextTransform.PER_GDP: (GDP_PER_CAPITA, POPULATION),
}

# How a context criterion treats a country without a current value: as the profile's imputation says, or its own
# way — left missing (it drops out of the pair's weights) or filled with the mean of the region or income group.
FOLLOW_PROFILE = "profile"
CONTEXT_MISSING = (FOLLOW_PROFILE, "none", "region", "income_group")

# A context value older than this many years is never current enough to score.
LONGEST_CONTEXT_AGE = 50


class PriorGroup(models.TextChoices):
    REGION = "region", _("Countries of the same region")
    INCOME_GROUP = "income_group", _("Countries of the same income group")
    ALL = "all", _("All countries")


class Imputation(models.TextChoices):
    NONE = "none", _("No imputation")
    REGION = "region", _("Mean of the region")
    INCOME_GROUP = "income_group", _("Mean of the income group")


class Kind:
    """How a setting's value is written and checked."""

    CHOICE = "choice"  # one of `choices`
    INTEGER = "integer"
    NUMBER = "number"  # a finite float
    FLAG = "flag"  # true or false
    WEIGHTS = "weights"  # code → non-negative finite number
    DIRECTIONS = "directions"  # code → "benefit" or "cost"
    MATRIX = "matrix"  # an AHP pairwise matrix: {"criteria": [codes], "judgements": {code: {code: number}}}
    CODES = "codes"  # a list of codes (countries, indicators; with `choices`, one of those)
    CONTEXT = "context"  # indicator code → {"transform": ContextTransform, "max_age_years": whole number or null}
    EXCLUSIONS = "exclusions"  # country code → the reason staff gave for leaving it out


class Group:
    """Where a setting acts: on the weights (shown as criteria in a run), on the method, on the candidate pool, or
    on what becomes of a finished run."""

    WEIGHTS = "weights"
    METHOD = "method"
    POOL = "pool"
    # What happens to a run once computed: it shapes no score, so it is left out of the inputs digest.
    PUBLICATION = "publication"


def setting(
    default: Any,
    *,
    kind: str,
    label: Any,
    group: str,
    help_text: Any = "",
    choices: type[models.TextChoices] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    power_of_two: bool = False,
    in_form: bool = True,
) -> Any:
    """A dataclass field with what the form, the API, the database and the validation need to know about it.

    `minimum` and `maximum` are inclusive bounds, `above` an exclusive lower bound, `power_of_two` asks for 0 or a
    power of two; `in_form` says whether the
    profile form shows a plain input for it (weights and the AHP matrix have fieldsets of their own).
    """
    metadata = {
        "kind": kind,
        "label": label,
        "group": group,
        "help_text": help_text,
        "choices": choices,
        "minimum": minimum,
        "maximum": maximum,
        "above": above,
        "power_of_two": power_of_two,
        "in_form": in_form,
    }
    if isinstance(default, dict | list):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class ProfileSettings:
    """Everything a weight profile sets. Build it with `from_json`, which checks every value."""

    weight_method: str = setting(
        WeightMethod.DIRECT.value,
        kind=Kind.CHOICE,
        choices=WeightMethod,
        group=Group.WEIGHTS,
        label=_("weight method"),
        help_text=_("Weights set directly, all equal, or derived from pairwise comparisons (AHP)."),
    )
    criterion_weights: dict = setting(
        DEFAULT_CRITERION_WEIGHTS,
        kind=Kind.WEIGHTS,
        group=Group.WEIGHTS,
        label=_("criterion weights"),
        help_text=_("Criterion code → weight."),
        in_form=False,
    )
    source_weights: dict = setting(
        {},
        kind=Kind.WEIGHTS,
        group=Group.WEIGHTS,
        label=_("policy-source weights"),
        help_text=_("Policy-source code → weight."),
        in_form=False,
    )
    criterion_directions: dict = setting(
        {},
        kind=Kind.DIRECTIONS,
        group=Group.WEIGHTS,
        label=_("criterion directions"),
        help_text=_("Criterion code → 'benefit' or 'cost'; criteria not named are benefits."),
        in_form=False,
    )
    ahp_matrix: dict = setting(
        {},
        kind=Kind.MATRIX,
        group=Group.WEIGHTS,
        label=_("AHP pairwise matrix"),
        help_text=_("Criterion codes and the upper triangle of Saaty judgements."),
        in_form=False,
    )
    ladder_direction: str = setting(
        LadderDirection.FURTHER_FIRST.value,
        kind=Kind.CHOICE,
        choices=LadderDirection,
        group=Group.METHOD,
        label=_("stage on the ladder counts"),
        help_text=_(
            "The direction of history.stage: whether a country that has climbed further gets priority (it can "
            "absorb more and pass it on) or one that is starting out (it needs the first step most)."
        ),
    )
    context_indicators: list = setting(
        [],
        kind=Kind.CODES,
        group=Group.WEIGHTS,
        label=_("context indicators"),
        help_text=_("Indicator codes scored as `context.<code>` criteria."),
        in_form=False,
    )
    context_transforms: dict = setting(
        {},
        kind=Kind.CONTEXT,
        group=Group.METHOD,
        label=_("context transforms"),
        help_text=_(
            "Indicator code → how its value is read: transform (none, log, per_capita, per_gdp); max_age_years, "
            "the oldest a latest value may be (counted back from the run's date) before the country counts as "
            "having none; and missing, what a country without one gets (profile: the imputation setting; none: "
            "nothing, the criterion drops out of its weights; region or income_group: that group's mean). "
            "Indicators not named are read as published, however old, and follow the imputation setting."
        ),
        in_form=False,
    )
    treaty_criteria: list = setting(
        [],
        kind=Kind.CODES,
        choices=Treaty,
        group=Group.WEIGHTS,
        label=_("years party to a treaty"),
        help_text=_(
            "Treaties scored as criteria (treaty.pct, treaty.madrid_protocol, …): the years since the treaty "
            "entered into force for the country, counted up to 25, and 0 for a country not party to it (WIPO Lex)."
        ),
    )
    normalization: str = setting(
        Normalization.MIN_MAX.value,
        kind=Kind.CHOICE,
        choices=Normalization,
        group=Group.METHOD,
        label=_("normalisation"),
        help_text=_(
            "How criteria are put on one scale: min-max (between fixed ends where they exist), z-score or "
            "percentile rank among the ranked pairs."
        ),
    )
    aggregation: str = setting(
        Aggregation.WAM.value,
        kind=Kind.CHOICE,
        choices=Aggregation,
        group=Group.METHOD,
        label=_("aggregation"),
        help_text=_(
            "How weighted criteria become one score: the arithmetic mean lets a strength make up for a weakness, "
            "the geometric mean less so, TOPSIS measures closeness to the best possible values."
        ),
    )
    imputation: str = setting(
        Imputation.NONE.value,
        kind=Kind.CHOICE,
        choices=Imputation,
        group=Group.METHOD,
        label=_("imputation"),
        help_text=_("How a missing context value is filled in (estimated criteria sit at their prior instead)."),
    )
    coverage_threshold: float = setting(
        0.7,
        kind=Kind.NUMBER,
        group=Group.METHOD,
        minimum=0,
        maximum=1,
        label=_("coverage threshold"),
        help_text=_("Share of the total weight (0–1) an alternative needs data for to be ranked."),
    )
    recency_half_life_days: int = setting(
        730,
        kind=Kind.INTEGER,
        group=Group.METHOD,
        minimum=1,
        maximum=36500,
        label=_("recency half-life (days)"),
        help_text=_("Evidence loses half its weight every half-life."),
    )
    top_k_areas: int = setting(
        3,
        kind=Kind.INTEGER,
        group=Group.METHOD,
        minimum=1,
        maximum=100,
        label=_("areas counted per country"),
        help_text=_(
            "A country scores the expected mean of its best k areas, areas short of evidence counted at their prior."
        ),
    )
    prior_strength: float = setting(
        1.0,
        kind=Kind.NUMBER,
        group=Group.METHOD,
        minimum=0,
        maximum=100,
        label=_("prior strength (reports)"),
        help_text=_(
            "How many fresh reports the prior counts for when a (country, area) estimate is shrunk toward it; "
            "0 shrinks nothing."
        ),
    )
    prior_group: str = setting(
        PriorGroup.REGION.value,
        kind=Kind.CHOICE,
        choices=PriorGroup,
        group=Group.METHOD,
        label=_("prior taken over"),
        help_text=_("Whose evidence in the same area an estimate is shrunk toward (then toward all countries)."),
    )
    minimum_evidence: float = setting(
        0.1,
        kind=Kind.NUMBER,
        group=Group.METHOD,
        minimum=0,
        maximum=100,
        label=_("minimum evidence (reports)"),
        help_text=_(
            "Effective evidence (the reports' recency weights added up) a (country, area) pair needs before its "
            "field evidence counts; below it, the pair is not ranked for lack of data."
        ),
    )
    needs_goalpost: float = setting(
        25.0,
        kind=Kind.NUMBER,
        group=Group.METHOD,
        above=0,
        maximum=1e6,
        label=_("open-needs goalpost"),
        help_text=_(
            "Weight of open stakeholder needs (urgency × recency, × √ the number of stakeholder groups) that scores "
            "full marks, on a logarithmic scale; more is held at it."
        ),
    )
    continuity_goalpost: float = setting(
        5.0,
        kind=Kind.NUMBER,
        group=Group.METHOD,
        above=0,
        maximum=1e4,
        label=_("cooperation goalpost (programs)"),
        help_text=_(
            "Programs' worth of cooperation (an activity counts a quarter, older ones less) that scores full marks, "
            "on a logarithmic scale; more is held at it."
        ),
    )
    monte_carlo_samples: int = setting(
        1000,
        kind=Kind.INTEGER,
        group=Group.METHOD,
        minimum=0,
        maximum=100000,
        label=_("Monte Carlo samples"),
        help_text=_("How many times the ranking is redone with the uncertain inputs drawn afresh."),
    )
    weight_concentration: float = setting(
        100.0,
        kind=Kind.NUMBER,
        group=Group.METHOD,
        above=0,
        maximum=1e6,
        label=_("weight concentration"),
        help_text=_(
            "Dirichlet concentration c around the weights: a weight w varies by about √(w(1 − w)/(c + 1)) from one "
            "Monte Carlo sample to the next (±0.04 for a weight of 0.2 at 100); higher means less perturbation."
        ),
    )
    sensitivity_samples: int = setting(
        512,
        kind=Kind.INTEGER,
        group=Group.METHOD,
        minimum=0,
        maximum=4096,
        power_of_two=True,
        label=_("sensitivity base samples"),
        help_text=_(
            "Base samples N of the variance-based (Sobol) sensitivity analysis on a run's Robustness page: the "
            "ranking is redone (inputs + 2) × 2N times, and the indices from N and 2N samples are compared. "
            "0 or a power of two; 0 leaves the analysis out."
        ),
    )
    vary_method: bool = setting(
        True,
        kind=Kind.FLAG,
        group=Group.METHOD,
        label=_("vary normalisation and aggregation"),
        help_text=_("Each Monte Carlo sample draws one of the three normalisations and one of the three aggregations."),
    )
    vary_top_k: bool = setting(
        True,
        kind=Kind.FLAG,
        group=Group.METHOD,
        label=_("vary the areas counted"),
        help_text=_("Each Monte Carlo sample counts k − 1, k or k + 1 areas per country."),
    )
    vary_half_life: bool = setting(
        True,
        kind=Kind.FLAG,
        group=Group.METHOD,
        label=_("vary the half-life"),
        help_text=_("Each Monte Carlo sample reads the evidence with half, once or twice the half-life."),
    )
    oda_eligible_only: bool = setting(
        True,
        kind=Kind.FLAG,
        group=Group.POOL,
        label=_("ODA recipients only"),
        help_text=_("Only countries on the OECD-DAC list of ODA recipients are ranked."),
    )
    wipo_members_only: bool = setting(
        False,
        kind=Kind.FLAG,
        group=Group.POOL,
        label=_("WIPO members only"),
        help_text=_("Only countries recorded as WIPO members are ranked."),
    )
    required_treaties: list = setting(
        [],
        kind=Kind.CODES,
        choices=Treaty,
        group=Group.POOL,
        label=_("parties to these treaties only"),
        help_text=_("Only countries party to every treaty ticked are ranked (WIPO Lex)."),
    )
    excluded_countries: dict = setting(
        {},
        kind=Kind.EXCLUSIONS,
        group=Group.POOL,
        label=_("excluded countries"),
        help_text=_(
            "ISO 3166-1 alpha-3 code → the reason staff leave the country out of the candidate pool, shown wherever "
            "the country's status is."
        ),
        in_form=False,
    )
    auto_publish: bool = setting(
        False,
        kind=Kind.FLAG,
        group=Group.PUBLICATION,
        label=_("publish automatic runs at once"),
        help_text=_(
            "Runs made after evidence changes and every night become the published ranking as soon as they succeed. "
            "Off: they wait as ready to publish until staff have looked at what changed and publish or discard them."
        ),
    )

    # Keys of a run's snapshot that name the profile rather than set it.
    IDENTITY: ClassVar[tuple[str, ...]] = ("slug", "name", "version")

    @classmethod
    def specs(cls) -> tuple[dataclasses.Field, ...]:
        return dataclasses.fields(cls)

    @classmethod
    def spec(cls, name: str) -> dataclasses.Field:
        return next(spec for spec in cls.specs() if spec.name == name)

    @classmethod
    def names(cls, *, group: str | None = None) -> list[str]:
        return [spec.name for spec in cls.specs() if group is None or spec.metadata["group"] == group]

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None, *, strict: bool = True) -> "ProfileSettings":
        """Settings from JSON (stored, submitted or snapshotted), every value checked; a missing one takes its
        default. Raises ValidationError naming each setting at fault; with `strict`, unknown keys are refused."""
        data = dict(data or {})
        errors: dict[str, list[Any]] = {}
        values: dict[str, Any] = {}
        for spec in cls.specs():
            if spec.name not in data:
                continue
            try:
                values[spec.name] = clean_value(spec, data.pop(spec.name))
            except ValidationError as error:
                errors[spec.name] = error.messages
        if strict:
            for unknown in sorted(set(data) - set(cls.IDENTITY)):
                errors[unknown] = [_("Unknown setting.")]
        if errors:
            raise ValidationError(errors)
        return cls(**values)

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> "ProfileSettings":
        """The settings a run was made with; keys of settings since retired are ignored."""
        return cls.from_json(snapshot, strict=False)

    def to_json(self) -> dict[str, Any]:
        return {spec.name: copy.deepcopy(getattr(self, spec.name)) for spec in self.specs()}

    def scoring_json(self) -> dict[str, Any]:
        """The settings that shape the scores: all but those on what becomes of a finished run."""
        publication = set(self.names(group=Group.PUBLICATION))
        return {name: value for name, value in self.to_json().items() if name not in publication}

    def choice_labels(self) -> dict[str, str]:
        """Each choice setting's value as people read it, e.g. {"aggregation": "Weighted arithmetic mean"}."""
        return {
            spec.name: str(spec.metadata["choices"](getattr(self, spec.name)).label)
            for spec in self.specs()
            if spec.metadata["kind"] == Kind.CHOICE
        }

    def replace(self, **changes: Any) -> "ProfileSettings":
        """A copy with some settings changed, checked like any other."""
        return type(self).from_json({**self.to_json(), **changes})


def _finite_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError(_("Enter a number."))
    try:
        number = float(value)
    except ValueError:
        raise ValidationError(_("Enter a number.")) from None
    if not math.isfinite(number):
        raise ValidationError(_("Enter a finite number (not NaN or infinity)."))
    return number


def _check_bounds(spec: dataclasses.Field, number: float) -> None:
    meta = spec.metadata
    if meta["minimum"] is not None and number < meta["minimum"]:
        raise ValidationError(_("Must be at least %(limit)s.") % {"limit": meta["minimum"]})
    if meta["maximum"] is not None and number > meta["maximum"]:
        raise ValidationError(_("Must be at most %(limit)s.") % {"limit": meta["maximum"]})
    if meta["above"] is not None and number <= meta["above"]:
        raise ValidationError(_("Must be above %(limit)s.") % {"limit": meta["above"]})


def _code_map(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(key, str) and key for key in value):
        raise ValidationError(_("Give an object from codes to values."))
    return value


def clean_value(spec: dataclasses.Field, value: Any) -> Any:
    """One setting's value checked against its kind and bounds, in the form it is stored."""
    meta = spec.metadata
    kind = meta["kind"]
    if kind == Kind.CHOICE:
        if value not in meta["choices"].values:
            raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(meta["choices"].values)})
        return str(value)
    if kind == Kind.FLAG:
        if not isinstance(value, bool):
            raise ValidationError(_("Give true or false."))
        return value
    if kind == Kind.INTEGER:
        number = _finite_number(value)
        if number != int(number):
            raise ValidationError(_("Enter a whole number."))
        _check_bounds(spec, number)
        whole = int(number)
        if spec.metadata["power_of_two"] and whole & (whole - 1):
            raise ValidationError(_("Enter 0 or a power of two (256, 512, 1024, …)."))
        return whole
    if kind == Kind.NUMBER:
        number = _finite_number(value)
        _check_bounds(spec, number)
        return number
    if kind == Kind.WEIGHTS:
        weights = {}
        for code, weight in _code_map(value).items():
            try:
                number = _finite_number(weight)
            except ValidationError as error:
                raise ValidationError(f"{code}: {error.messages[0]}") from None
            if number < 0:
                raise ValidationError(_("The weight of %(code)s cannot be negative.") % {"code": code})
            if number > LARGEST_WEIGHT:
                raise ValidationError(_("Must be at most %(limit)s.") % {"limit": f"{LARGEST_WEIGHT:g}"})
            weights[code] = number
        return weights
    if kind == Kind.DIRECTIONS:
        directions = _code_map(value)
        for code, direction in directions.items():
            if direction not in ("benefit", "cost"):
                raise ValidationError(_("The direction of %(code)s must be 'benefit' or 'cost'.") % {"code": code})
        return dict(directions)
    if kind == Kind.MATRIX:
        return _clean_matrix(value)
    if kind == Kind.CODES:
        if not isinstance(value, list | tuple) or not all(isinstance(code, str) and code for code in value):
            raise ValidationError(_("Give a list of codes."))
        choices = meta["choices"]
        unknown = sorted(set(value) - set(choices.values)) if choices else []
        if unknown:
            raise ValidationError(
                _("Unknown codes: %(codes)s. Choose from: %(choices)s.")
                % {"codes": ", ".join(unknown), "choices": ", ".join(choices.values)}
            )
        return sorted(set(value))
    if kind == Kind.CONTEXT:
        return {code: _clean_context(code, options) for code, options in _code_map(value).items()}
    if kind == Kind.EXCLUSIONS:
        return _clean_exclusions(value)
    raise ValueError(f"Setting {spec.name} has an unknown kind {kind!r}.")


def _clean_context(code: str, options: Any) -> dict[str, Any]:
    if not isinstance(options, dict) or set(options) - {"transform", "max_age_years", "missing"}:
        raise ValidationError(_("%(code)s: give its transform, max_age_years and missing.") % {"code": code})
    missing = options.get("missing", FOLLOW_PROFILE)
    if missing not in CONTEXT_MISSING:
        raise ValidationError(
            _("%(code)s: missing is one of %(choices)s.") % {"code": code, "choices": ", ".join(CONTEXT_MISSING)}
        )
    transform = options.get("transform", ContextTransform.NONE.value)
    if transform not in ContextTransform.values:
        raise ValidationError(
            _("%(code)s: the transform is one of %(choices)s.")
            % {"code": code, "choices": ", ".join(ContextTransform.values)}
        )
    age = options.get("max_age_years")
    if age is not None:
        number = _finite_number(age)
        if number != int(number) or not 0 <= number <= LONGEST_CONTEXT_AGE:
            raise ValidationError(
                _("%(code)s: max_age_years is a whole number from 0 to %(limit)d, or null for no limit.")
                % {"code": code, "limit": LONGEST_CONTEXT_AGE}
            )
        age = int(number)
    return {"transform": str(transform), "max_age_years": age, "missing": str(missing)}


# A reason is a sentence or two; more belongs in a report.
LONGEST_EXCLUSION_REASON = 300


def _clean_exclusions(value: Any) -> dict[str, str]:
    """Country code → reason; a plain list of codes (as profiles stored them before reasons) has empty reasons."""
    if isinstance(value, list | tuple) and all(isinstance(code, str) and code for code in value):
        value = dict.fromkeys(value, "")
    reasons = {}
    for code, reason in sorted(_code_map(value).items()):
        if not isinstance(reason, str):
            raise ValidationError(_("%(code)s: give the reason as text.") % {"code": code})
        if len(reason) > LONGEST_EXCLUSION_REASON:
            message = _("%(code)s: keep the reason to %(limit)d characters.")
            raise ValidationError(message % {"code": code, "limit": LONGEST_EXCLUSION_REASON})
        reasons[code] = reason.strip()
    return reasons


def _clean_matrix(value: Any) -> dict[str, Any]:
    if value in ({}, None):
        return {}
    if not isinstance(value, dict) or set(value) - {"criteria", "judgements"}:
        raise ValidationError(_("Give the criteria and the judgements of the pairwise matrix."))
    criteria = value.get("criteria", [])
    if not isinstance(criteria, list) or not all(isinstance(code, str) for code in criteria):
        raise ValidationError(_("The matrix's criteria must be a list of criterion codes."))
    judgements: dict[str, dict[str, float]] = {}
    for first, row in _code_map(value.get("judgements", {})).items():
        for second, judgement in _code_map(row).items():
            number = _finite_number(judgement)
            if not SAATY_MIN - 1e-9 <= number <= SAATY_MAX + 1e-9:
                raise ValidationError(_("Judgements lie between 1/9 and 9 (Saaty's scale)."))
            judgements.setdefault(first, {})[second] = number
    return {"criteria": list(criteria), "judgements": judgements}


def setting_constraints(
    settings_class: type[ProfileSettings], *, field: str, prefix: str
) -> list[models.BaseConstraint]:
    """Check constraints on the JSON column `field` for each bounded or enumerated setting, so that the database
    refuses what the validation refuses, whatever code writes the row."""
    constraints: list[models.BaseConstraint] = []
    for spec in settings_class.specs():
        meta = spec.metadata
        key = f"{field}__{spec.name}"
        condition = None
        if meta["kind"] == Kind.CHOICE:
            condition = models.Q(**{f"{key}__in": list(meta["choices"].values)})
        elif meta["kind"] in (Kind.INTEGER, Kind.NUMBER):
            bounds = {}
            if meta["minimum"] is not None:
                bounds[f"{key}__gte"] = meta["minimum"]
            if meta["maximum"] is not None:
                bounds[f"{key}__lte"] = meta["maximum"]
            if meta["above"] is not None:
                bounds[f"{key}__gt"] = meta["above"]
            condition = models.Q(**bounds) if bounds else None
        if condition is not None:
            constraints.append(models.CheckConstraint(condition=condition, name=f"{prefix}_{spec.name}_valid"))
    return constraints
