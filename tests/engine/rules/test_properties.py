"""Invariants of the CPTS schedule, achievement rates and sizes (hypothesis)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.rules.common import add_years, round_cents
from maillage.engine.rules.cpts import (
    CptsContract,
    Indicator,
    Level,
    Mission,
    achievement_rate,
    cpts_schedule,
    cpts_size,
)
from maillage.engine.rules.loader import load_parameters

PARAMS = load_parameters()
FAST = settings(max_examples=60, deadline=None)

signatures = st.dates(min_value=dt.date(2019, 8, 25), max_value=dt.date(2026, 12, 31))
amounts = st.integers(min_value=0, max_value=200_000_00).map(lambda c: Decimal(c) / 100)


@st.composite
def contracts(draw):
    signature = draw(signatures)
    end = add_years(signature, 5)
    missions = []
    for code in draw(
        st.lists(
            st.sampled_from(["acces_aux_soins", "parcours_pluriprofessionnels", "prevention"]),
            unique=True,
            max_size=3,
        )
    ):
        offset = draw(st.integers(min_value=0, max_value=(end - signature).days - 1))
        result = draw(st.integers(min_value=-10, max_value=30))
        indicator = Indicator("i", Decimal(1), Decimal(0), Decimal(20), (), {1: Decimal(result)})
        missions.append(
            Mission(
                code,
                signature + dt.timedelta(days=offset),
                draw(amounts),
                draw(amounts),
                (indicator,),
            )
        )
    return CptsContract("p", signature, tuple(missions), size=draw(st.integers(1, 4)))


@FAST
@given(contracts())
def test_fixed_payments_add_up_to_amounts_due_and_never_exceed_the_contract(contract):
    schedule = cpts_schedule(contract)
    paid = defaultdict(Decimal)
    due = defaultdict(Decimal)
    for payment in schedule.payments:
        if payment.component.startswith("part_fixe"):
            assert payment.amount >= 0
            paid[payment.mission] += payment.amount
    for line in schedule.due:
        if line.component == "part_fixe":
            due[line.mission] += line.amount
    assert paid == due
    for mission in contract.missions:
        # Never more than 5 full years of the annual fixed part (rounding included).
        assert paid[mission.code] <= round_cents(mission.fixed * 5)
        years = [line for line in schedule.due if line.mission == mission.code]
        for line in years:
            if line.component == "part_fixe":
                assert line.amount <= mission.fixed


@FAST
@given(signatures, amounts.filter(lambda a: a > 0))
def test_full_contract_pays_exactly_five_annual_fixed_parts(signature, fixed):
    contract = CptsContract(
        "p", signature, (Mission("prevention", signature, fixed, Decimal(0)),), 1
    )
    schedule = cpts_schedule(contract)
    fixed_paid = sum(p.amount for p in schedule.payments if p.component.startswith("part_fixe"))
    assert fixed_paid == round_cents(fixed) * 5
    fonct = [p for p in schedule.payments if p.component == "fonctionnement"]
    anniversaries = [add_years(signature, k) for k in range(5)]
    assert [p.date for p in fonct if p.date in anniversaries] == anniversaries
    # Signed by 31/12/2021: the avenant n° 2 uplift of year 1 is paid on its entry into force.
    extra = [p for p in fonct if p.date not in anniversaries]
    if signature <= dt.date(2021, 12, 31):
        assert [(p.date, p.year) for p in extra] == [(dt.date(2022, 4, 1), 1)]
    else:
        assert extra == []
    # Whatever the rule, what is paid for a year's fonctionnement is what is due for it.
    for line in schedule.due:
        if line.component == "fonctionnement":
            assert sum(p.amount for p in fonct if p.year == line.year) == line.amount
    # Payments are never dated after the end of the contract.
    assert max(p.date for p in schedule.payments) == add_years(signature, 5)


@FAST
@given(contracts())
def test_variable_part_between_zero_and_envelope(contract):
    schedule = cpts_schedule(contract)
    by_mission = {m.code: m for m in contract.missions}
    for line in schedule.due:
        if line.component == "part_variable" and line.amount is not None:
            assert 0 <= line.amount <= by_mission[line.mission].variable


@FAST
@given(
    st.integers(-1000, 1000),
    st.integers(-1000, 1000),
    st.integers(-3000, 3000),
    st.integers(-3000, 3000),
)
def test_achievement_is_monotonic_and_bounded(baseline, objective, r1, r2):
    if baseline == objective:
        return
    lo, hi = sorted((r1, r2))
    if objective < baseline:  # decreasing indicator: a lower result is better
        lo, hi = hi, lo
    mid = Decimal(baseline + objective) / 2
    levels = [Level(mid, Decimal("0.4"))] if mid not in (baseline, objective) else []
    for mode in ("lineaire", "paliers"):
        a = achievement_rate(baseline, objective, lo, levels, mode)
        b = achievement_rate(baseline, objective, hi, levels, mode)
        assert 0 <= a <= b <= 1
    assert achievement_rate(baseline, objective, objective) == 1
    assert achievement_rate(baseline, objective, baseline) == 0


@FAST
@given(st.integers(0, 10_000_000), st.integers(0, 10_000_000), signatures)
def test_size_is_monotonic(p1, p2, at):
    lo, hi = sorted((p1, p2))
    assert 1 <= cpts_size(lo, at) <= cpts_size(hi, at) <= 4
