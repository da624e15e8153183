"""Voucher tariffs, one per regime in its currency: the defaults, the migration from the singleton, the admin."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from rights.care import TariffRule
from rights.regime import Regime
from tests.support.schema import migrate_every_app_forward
from vouchers.models import VoucherTariff
from vouchers.selectors import tariff_for

D = Decimal


@pytest.mark.usefixtures("tariffs")
def test_a_regime_s_tariff_defaults_to_the_regulation_s_amounts_in_its_currency() -> None:
    rows = {t.regime: (t.per_period, t.minimum, t.maximum, t.currency) for t in VoucherTariff.objects.all()}
    assert rows == {
        "EU261": (D("10.00"), D("10.00"), D("40.00"), "EUR"),
        "UK261": (D("10.00"), D("10.00"), D("40.00"), "GBP"),
    }


@pytest.mark.usefixtures("tariffs")
def test_the_tariff_of_a_regime_is_its_row_or_else_the_defaults() -> None:
    VoucherTariff.objects.filter(regime="UK261").update(per_period="7.50", minimum="5.00", maximum="25.00")
    VoucherTariff.objects.filter(regime="EU261").delete()
    assert tariff_for(Regime.UK261) == TariffRule(D("7.50"), D("5.00"), D("25.00"), "GBP")
    assert tariff_for(Regime.EU261) == TariffRule(D("10"), D("10"), D("40"), "EUR")
    with pytest.raises(ValueError, match="no regime applies"):
        tariff_for(Regime.NONE)


@pytest.fixture
def operator(client: Client, admin_user: Any) -> Client:
    client.force_login(admin_user)
    return client


def _url(view: str, *args: Any) -> str:
    return reverse(f"admin:vouchers_vouchertariff_{view}", args=args)


@pytest.mark.usefixtures("tariffs")
def test_operators_edit_a_regime_s_amounts_but_not_its_regime_nor_currency(operator: Client) -> None:
    page = operator.get(_url("change", "UK261"))
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields) == {"per_period", "minimum", "maximum"}
    assert '<div class="readonly">GBP</div>' in page.content.decode(), "the currency is shown, not edited"
    form = {"per_period": "12.50", "minimum": "50.00", "maximum": "40.00"}
    refused = operator.post(_url("change", "UK261"), form)
    assert refused.status_code == 200 and set(refused.context["adminform"].form.errors) == {"maximum"}
    assert operator.post(_url("change", "UK261"), form | {"minimum": "10.00"}).status_code == 302
    assert (
        str(VoucherTariff.objects.get(regime="UK261")) == "UK261: GBP 12.50 per started 2 hours (min 10.00, max 40.00)"
    )
    assert (
        str(VoucherTariff.objects.get(regime="EU261")) == "EU261: EUR 10.00 per started 2 hours (min 10.00, max 40.00)"
    )


@pytest.mark.usefixtures("tariffs")
def test_a_missing_regime_s_tariff_is_added_once_and_none_is_ever_deleted(operator: Client) -> None:
    assert operator.get(_url("add")).status_code == 403, "every regime has its tariff"
    VoucherTariff.objects.filter(regime="EU261").delete()
    form = {"per_period": "8.00", "minimum": "8.00", "maximum": "32.00"}
    taken = operator.post(_url("add"), form | {"regime": "UK261"})
    assert taken.status_code == 200 and set(taken.context["adminform"].form.errors) == {"regime"}
    unknown = operator.post(_url("add"), form | {"regime": "none"})
    assert unknown.status_code == 200 and set(unknown.context["adminform"].form.errors) == {"regime"}
    assert operator.post(_url("add"), form | {"regime": "EU261"}).status_code == 302
    assert tariff_for(Regime.EU261) == TariffRule(D("8.00"), D("8.00"), D("32.00"), "EUR")
    assert operator.get(_url("add")).status_code == 403
    assert operator.post(_url("delete", "EU261"), {"post": "yes"}).status_code == 403
    assert VoucherTariff.objects.count() == 2


BEFORE = ("vouchers", "0002_default_tariff")


def _migrate(target: tuple[str, str]) -> Apps:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def singleton_era() -> Iterator[Apps]:
    """Vouchers migrated back to the one tariff row; migrated forward again afterwards."""
    try:
        yield _migrate(BEFORE)
    finally:
        migrate_every_app_forward()


@pytest.mark.django_db(transaction=True)
def test_the_singleton_becomes_eu261_s_tariff_and_uk261_gets_the_defaults(singleton_era: Apps) -> None:
    old_tariff = singleton_era.get_model("vouchers", "VoucherTariff")
    old_tariff.objects.update_or_create(id=1, defaults={"per_period": "12.00", "minimum": "6.00", "maximum": "36.00"})
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("vouchers")[0]
    new_tariff = _migrate(latest).get_model("vouchers", "VoucherTariff")
    rows = {t.regime: (t.per_period, t.minimum, t.maximum) for t in new_tariff.objects.all()}
    assert rows == {"EU261": (D("12.00"), D("6.00"), D("36.00")), "UK261": (D("10.00"), D("10.00"), D("40.00"))}
