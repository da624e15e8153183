"""The exact lexicographic optimum of one component: a sequence of MILPs solved by HiGHS (scipy ``milp``).

The model (variables, rows, groups of interchangeable parties) is in ``milp_model``.

Stages, each solved with the optimal values of the earlier ones held as constraints (all objectives have
integer coefficients, so the values are exact integers): for each priority class present, first maximise
its protected passengers, then minimise their total delay; finally the tie-break. A stage of class k leaves
the classes below k out of its model: they can only take seats from it, so dropping them loses no optimum;
they are then seated greedily in what is left, to keep a whole plan. An optimum is held by a row on the
stage's objective, or, when it meets the a-priori bound below, by bounds (every party of the class flies;
every one on its earliest candidate), which keeps the later LPs tighter.

Tie-break. POLICY breaks the remaining ties per itinerary by earliest arrival, then fewest legs, then
designator, which is exactly the order of a party's candidates (its rank). Across parties we minimise the
sum of the protected parties' ranks; for a single party, or parties not competing for a seat, that is
POLICY's rule exactly. Within the same stage, and strictly after it, we minimise the cabin upgrades
(passengers × cabin levels above the leg's floor cabin, the one booked on its sector), keeping premium seats
for later disruptions. One weighted objective ``W * rank + upgrades`` with ``W = 4 * passengers + 1``
preserves that lexicographic order: the upgrade term lies in [0, 4 * passengers] (at most two legs, two
levels each), so lowering the rank sum by 1 (it is an integer) always outweighs any change of upgrades.

Incumbent and shortcuts. The priority-greedy plan is the first incumbent. Before each stage, when the
incumbent already reaches a bound no solution can beat (every passenger of the class protected, every one on
their earliest candidate, …) the stage is proved optimal without a solve. A solver answer replaces the
incumbent only when strictly better on the stage, so the incumbent only improves lexicographically.

Time limit. Each solve gets the time left before ``deadline``. When a solve stops on the limit (or the time
is gone before it starts) the best plan known is kept: the solver's incumbent for that stage when better,
else the previous one (at worst the greedy plan); it is optimal for every earlier stage. The gap reported is
that stage's, as HiGHS measures it: ``|value - bound| / max(1, |value|)``, the bound being HiGHS's dual bound,
else the LP relaxation's optimum, else the a-priori bound above.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp
from scipy.sparse import csr_array, vstack

from .components import Choice, Component
from .domain import LOWEST_CLASS, PRIORITY_CLASSES, Candidate, delay_minutes, upgrade_steps
from .greedy import greedy
from .milp_model import Model

LP_BOUND_SECONDS = 1.0


@dataclass(frozen=True)
class Outcome:
    """The plan for one component and how far it is proved optimal."""

    choices: list[Choice | None]
    optimal: bool
    gap: float
    stopped_at: str | None
    solves: int


@dataclass(frozen=True)
class _Stage:
    name: str
    coefficients: np.ndarray
    maximise: bool
    bound: int
    upto: int
    """Only classes up to this one take part: lower classes can only take seats from it."""
    full_rows: tuple[int, ...] = ()
    """Group rows (parties flying <= group size) that hold with equality when the optimum meets ``bound``."""
    idle_columns: tuple[int, ...] = ()
    """Columns that are 0 in every solution meeting ``bound``."""


class _Lexicographic:
    """Runs the stages of one component against a deadline, keeping the incumbent and the fixed rows."""

    def __init__(self, model: Model, incumbent: np.ndarray, deadline: float) -> None:
        self.model = model
        self.incumbent = incumbent
        self.deadline = deadline
        self.row_lower = model.lower.copy()
        self.column_upper = model.bound.copy()
        self.fixed_rows: list[np.ndarray] = []
        self.fixed_lower: list[float] = []
        self.fixed_upper: list[float] = []
        self.solves = 0
        self.stopped: tuple[str, float] | None = None

    def run(self, stage: _Stage) -> int | None:
        """Optimise ``stage`` with the earlier ones fixed; its optimal value, or None when the time ran out."""
        value = self._value(stage, self.incumbent)
        if value != stage.bound:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                return self._stop(stage, value, stage.bound)
            result, columns = self._solve(stage, remaining)
            if result.x is not None:
                candidate = self._completed(stage, columns, result.x)
                if self._better(stage, self._value(stage, candidate), value):
                    self.incumbent, value = candidate, self._value(stage, candidate)
            if result.status != 0:
                return self._stop(stage, value, self._tightened(stage, self._dual_bound(stage, result)))
        self._hold(stage, value)
        return value

    def _hold(self, stage: _Stage, value: int) -> None:
        """Keep the stage at its optimum ``value`` in the later stages: by bounds when the optimum meets the
        a-priori bound and that face is known (sparse, kind to the LP), else by a row on the objective."""
        if value == stage.bound and (stage.full_rows or stage.idle_columns):
            full = list(stage.full_rows)
            self.row_lower[full] = self.model.upper[full]
            self.column_upper[list(stage.idle_columns)] = 0
            return
        self.fixed_rows.append(stage.coefficients)
        self.fixed_lower.append(value if stage.maximise else -math.inf)
        self.fixed_upper.append(math.inf if stage.maximise else value)

    def _dual_bound(self, stage: _Stage, result: OptimizeResult) -> float | None:
        """HiGHS's dual bound of an interrupted solve; scipy gives none when no solution was found, then the
        LP relaxation's optimum (given ``LP_BOUND_SECONDS`` past the deadline: it happens once per call, the
        components after it stop before starting a solve)."""
        if result.mip_dual_bound is not None:
            return result.mip_dual_bound
        relaxation, _ = self._solve(stage, LP_BOUND_SECONDS, relaxed=True)
        return relaxation.fun if relaxation.status == 0 else None

    def _solve(self, stage: _Stage, seconds: float, relaxed: bool = False) -> tuple[OptimizeResult, np.ndarray]:
        """Solve ``stage`` over the variables of classes up to ``stage.upto``; the result and those columns."""
        model = self.model
        columns = np.flatnonzero(model.column_class <= stage.upto)
        rows = vstack([model.rows, csr_array(np.array(self.fixed_rows))]) if self.fixed_rows else model.rows
        rows = csr_array(rows[:, columns])
        used = np.flatnonzero(np.diff(rows.indptr))
        lower = np.concatenate([self.row_lower, self.fixed_lower])[used]
        upper = np.concatenate([model.upper, self.fixed_upper])[used]
        coefficients = stage.coefficients[columns]
        self.solves += 1
        result = milp(
            -coefficients if stage.maximise else coefficients,
            integrality=np.zeros(len(columns)) if relaxed else np.ones(len(columns)),
            bounds=Bounds(0, self.column_upper[columns]),
            constraints=LinearConstraint(rows[used], lower, upper),
            options={"time_limit": seconds, "mip_rel_gap": 0.0, "presolve": False},
        )
        return result, columns

    def _completed(self, stage: _Stage, columns: np.ndarray, solution: np.ndarray) -> np.ndarray:
        """A whole plan from a solution over ``columns``: the lower classes fill the seats left, greedily."""
        vector = np.zeros(self.model.size)
        vector[columns] = np.rint(solution)
        if stage.upto >= LOWEST_CLASS:
            return vector
        choices = self.model.decode(vector)
        parties = self.model.component.parties
        kept = {k: choice for k, choice in enumerate(choices) if parties[k].priority <= stage.upto}
        return self.model.encode(greedy(self.model.component, kept))

    @staticmethod
    def _value(stage: _Stage, vector: np.ndarray) -> int:
        return round(float(stage.coefficients @ vector))

    @staticmethod
    def _better(stage: _Stage, new: int, old: int) -> bool:
        return new > old if stage.maximise else new < old

    @staticmethod
    def _tightened(stage: _Stage, dual_bound: float | None) -> int:
        """The tighter of the a-priori bound and HiGHS's dual bound (HiGHS minimises, so a max stage is negated)."""
        if dual_bound is None or not math.isfinite(dual_bound):
            return stage.bound
        if stage.maximise:
            return min(stage.bound, math.floor(-dual_bound + 1e-6))
        return max(stage.bound, math.ceil(dual_bound - 1e-6))

    def _stop(self, stage: _Stage, value: int, bound: int) -> None:
        self.stopped = (stage.name, abs(value - bound) / max(1, abs(value)))
        return None


def solve(component: Component, start: list[Choice | None], deadline: float) -> Outcome:
    """The lexicographic optimum of ``component`` starting from the feasible plan ``start``, within ``deadline``
    (a ``time.monotonic()`` instant); when time runs out, the best plan found and its gap."""
    model = Model(component)
    runner = _Lexicographic(model, model.encode(start), deadline)
    fully_protected: set[int] = set()
    for cls in PRIORITY_CLASSES:
        groups = [g for g in range(len(model.groups)) if model.party(g).priority == cls]
        if not groups:
            continue
        passengers = sum(model.party(g).size * len(model.groups[g]) for g in groups)
        protected = runner.run(_protected_stage(model, cls, groups, passengers))
        if protected is None:
            break
        if protected == passengers:
            fully_protected.add(cls)
        if runner.run(_delay_stage(model, cls, groups, cls in fully_protected)) is None:
            break
    else:
        runner.run(_tie_break_stage(model, fully_protected))
    return Outcome(
        choices=model.decode(runner.incumbent),
        optimal=runner.stopped is None,
        gap=runner.stopped[1] if runner.stopped else 0.0,
        stopped_at=runner.stopped[0] if runner.stopped else None,
        solves=runner.solves,
    )


def _protected_stage(model: Model, cls: int, groups: list[int], passengers: int) -> _Stage:
    coefficients = np.zeros(model.size)
    for g in groups:
        for i in range(len(model.options(g))):
            coefficients[model.x_column[g, i]] = model.party(g).size
    name = f"class {cls} protected passengers"
    return _Stage(name, coefficients, maximise=True, bound=passengers, upto=cls, full_rows=tuple(groups))


def _delay_stage(model: Model, cls: int, groups: list[int], all_protected: bool) -> _Stage:
    coefficients = np.zeros(model.size)
    bound = 0
    later: list[int] = []
    for g in groups:
        party = model.party(g)
        for i, option in enumerate(model.options(g)):
            coefficients[model.x_column[g, i]] = party.size * delay_minutes(party, option.arrival)
        # The least delay is on the first candidate (earliest arrival); an unprotected party counts 0.
        least = coefficients[model.x_column[g, 0]]
        bound += len(model.groups[g]) * round(least if all_protected else min(0, least))
        later += [
            model.x_column[g, i] for i in range(len(model.options(g))) if coefficients[model.x_column[g, i]] > least
        ]
    name = f"class {cls} total delay"
    idle = tuple(later) if all_protected else ()
    return _Stage(name, coefficients, maximise=False, bound=bound, upto=cls, idle_columns=idle)


def _tie_break_stage(model: Model, fully_protected: set[int]) -> _Stage:
    weight = 4 * sum(party.size for party in model.component.parties) + 1
    coefficients = np.zeros(model.size)
    for column, (_, i) in enumerate(model.x):
        coefficients[column] = weight * i
    for column, (g, flight_id, cabin) in enumerate(model.y, start=len(model.x)):
        party = model.party(g)
        coefficients[column] = party.size * upgrade_steps(party, model.flights[flight_id], cabin)
    bound = 0
    for g, members in enumerate(model.groups):
        if model.party(g).priority in fully_protected:
            costs = (weight * i + _least_upgrades(model, g, option) for i, option in enumerate(model.options(g)))
            bound += len(members) * min(costs)
    return _Stage("tie-break", coefficients, maximise=False, bound=bound, upto=LOWEST_CLASS)


def _least_upgrades(model: Model, g: int, option: Candidate) -> int:
    party = model.party(g)
    return sum(party.size * upgrade_steps(party, f, model.component.cabins_for(party, f)[0]) for f in option.flights)
