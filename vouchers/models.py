"""Meal vouchers (one per passenger per disrupted flight) and the tariffs operators set for their value, per regime."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from flights.models import Airport, Flight
from passengers.models import Passenger
from rights import care
from rights.regime import Regime, currency_of

from .codes import CODE_REGEX

CURRENCY_REGEX = r"^[A-Z]{3}$"
_MONEY = {"max_digits": 8, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0.00"))]}


class TariffRegime(models.TextChoices):
    """The regimes a meal voucher is owed under (none owes no voucher)."""

    EU261 = Regime.EU261.value, "EU261 (EUR)"
    UK261 = Regime.UK261.value, "UK261 (GBP)"


class VoucherTariff(models.Model):
    """What a meal voucher is worth under one regime (POLICY "Meal vouchers"): one row per regime, which operators
    edit in the admin, in the regime's currency (EUR for EU261, GBP for UK261: the law's, not a setting).

    Without its row a regime's defaults apply (``rights.care.default_tariff``).
    """

    regime = models.CharField(max_length=5, primary_key=True, choices=TariffRegime.choices)
    per_period = models.DecimalField(
        "per started 2 hours", default=care.DEFAULT_TARIFF.per_period, help_text="Value per started 2 hours of delay.",
        **_MONEY,
    )  # fmt: skip
    minimum = models.DecimalField(default=care.DEFAULT_TARIFF.minimum, **_MONEY)
    maximum = models.DecimalField(
        default=care.DEFAULT_TARIFF.maximum, help_text="Also the value for a cancelled flight.", **_MONEY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "voucher tariff"
        ordering = ["regime"]
        constraints = [
            models.CheckConstraint(condition=Q(regime__in=TariffRegime.values), name="voucher_tariff_regime_valid"),
            models.CheckConstraint(
                condition=Q(per_period__gte=0, minimum__gte=0, maximum__gte=F("minimum")), name="voucher_tariff_amounts"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.regime}: {self.currency} {self.per_period} per started 2 hours "
            f"(min {self.minimum}, max {self.maximum})"
        )

    @property
    def currency(self) -> str:
        """The ISO 4217 currency of the regime's amounts."""
        return currency_of(Regime(self.regime))

    def clean(self) -> None:
        if None not in (self.minimum, self.maximum) and self.minimum > self.maximum:
            raise ValidationError({"maximum": "The maximum cannot be less than the minimum."})

    def rule(self) -> care.TariffRule:
        """The tariff as the rulebook takes it."""
        return care.TariffRule(
            per_period=self.per_period, minimum=self.minimum, maximum=self.maximum, currency=self.currency
        )


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    REDEEMED = "redeemed", "Redeemed"
    VOID = "void", "Void"


class MealVoucher(models.Model):
    """A passenger's meal voucher for one disrupted flight, to spend at the flight's origin.

    At most one per passenger and flight: a longer delay raises ``amount``; redeemed and void are final.
    """

    code = models.CharField(max_length=12, unique=True, editable=False)
    passenger = models.ForeignKey(Passenger, on_delete=models.CASCADE, related_name="meal_vouchers")
    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="meal_vouchers")
    airport = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3)
    delay_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="The departure delay the amount covers; empty for a cancellation."
    )
    status = models.CharField(max_length=8, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED)
    issued_at = models.DateTimeField(default=timezone.now)
    raised_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it was redeemed or voided.")
    closed_by = models.CharField(max_length=150, blank=True, help_text="The operator who redeemed or voided it.")

    class Meta:
        ordering = ["-issued_at", "code"]
        constraints = [
            models.UniqueConstraint(fields=["passenger", "flight"], name="meal_voucher_one_per_passenger_flight"),
            models.CheckConstraint(condition=Q(code__regex=CODE_REGEX), name="meal_voucher_code_format"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="meal_voucher_amount_not_negative"),
            models.CheckConstraint(condition=Q(currency__regex=CURRENCY_REGEX), name="meal_voucher_currency"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in VoucherStatus]), name="meal_voucher_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["flight", "status"], name="meal_voucher_flight_status_idx")]

    def __str__(self) -> str:
        return self.code
