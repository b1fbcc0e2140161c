"""`LinkedModel`: the financial, physical, cluster and network layers, linked, as one model.

It maps `Assumptions` (assumptions.py) onto the layers' inputs and their outputs onto named
columns (entity, metric, year): every output of the financial layer (USD bn for money), `gw`,
`accelerators`, `twh_per_year` of each entity's capex from the physical layer, the cluster
economics per accelerator (entity: the accelerator id, default gb300; year: the run's first
year; see cluster.py) and the network stress per node over the horizon 2026-2030 (year = its
last year): `defaulted` (1 or 0), `shortfall` and `total_loss` (USD bn). Layers run only when
an output needs them. The output registry is outputs.py.

It is the engine's model (uncertainty/montecarlo.py): `columns` and `evaluate(inputs, n, out)`
over n paths at once; a deterministic run is n = 1 at fixed values (run.py).

The layers are linked (links.py): for a network node the financial layer also models (the
hyperscalers), the cash-flow part of its external assets moves with the modelled operating cash
flow over the horizon, as a ratio to the layer's default run, so `ocf_growth` or an OCF fact
override changes who defaults; a GPU cloud's (kind neocloud) revenue after its last reported
year falls with `price_decline`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import metrics as metrics_table
from ..dataset import Dataset
from ..errors import DataError, ModelError, ScenarioError
from ..financial import OUTPUTS as FINANCIAL_OUTPUTS
from ..financial import (
    FinancialAssumptions,
    NotedReads,
    assumptions_read,
    prepare_financials,
    run_financials,
)
from ..financial import defaults as financial_defaults
from ..roic.layer import ROIC_OUTPUTS, RoicLayer
from ..units import MONEY_METRICS, convert
from .assumptions import (
    FINANCIAL_PARAMETERS,
    PHYSICAL_PARAMETERS,
    Assumptions,
    fact_name,
    network_parameter,
)
from .cluster import CLUSTER_OUTPUTS, DEFAULT_ACCELERATOR, ClusterEconomics, accelerator_ids
from .outputs import METRICS, NETWORK_OUTPUTS, PHYSICAL_OUTPUTS, metric_unit

if TYPE_CHECKING:
    from ..financial import FinancialResult, PreparedFinancials
    from ..network import DealNetwork, StressResult
    from ..physical import PressCoefficients
    from ..uncertainty.sampling import InputSet
    from .links import OcfLink, RentalLink

Inputs = Mapping[str, np.ndarray | float]


def canonical_metric(metric: str) -> str:
    """The model's name of a metric given by an alias of the metrics table (free_cash_flow ->
    fcf); a name the table does not know is kept, for the model's own error."""
    try:
        return metrics_table.canonical(metric)
    except metrics_table.UnknownMetric:
        return metric


def _fact_factor(dataset: Dataset, entity: str, metric: str, period: str) -> float:
    """Multiplier from the fact's own (unit, scale) to the model's unit (USD bn for money)."""
    r = dataset.resolve(entity, metric, period)
    if r is None:  # a figure the dataset lacks: given in model units
        return 1.0
    if r.unit == "USD":
        return convert(1.0, r.unit, r.scale, "USD", 1e9)
    if metric in MONEY_METRICS:
        raise ScenarioError(f"{entity}.{metric}.{period}: the fact is in {r.unit}, not USD")
    return r.scale


def _memo_network(network: DealNetwork) -> DealNetwork:
    """The network with its matrices and external assets computed once: `stress_network` asks for
    them (pandas filters and scatter-adds over the deal tables) on every call, and a Monte Carlo run
    calls it once per chunk. The cached arrays are read-only, so nothing can change them."""
    from dataclasses import fields

    from ..network import DealNetwork

    class MemoNetwork(DealNetwork):
        def _memo(self, key: object, compute: Callable[[], np.ndarray]) -> np.ndarray:
            cache = self.__dict__.setdefault("_memo_cache", {})
            if key not in cache:
                a = compute()
                a.setflags(write=False)
                cache[key] = a
            return cache[key]

        def liabilities(self, *, binding_only: bool = False) -> np.ndarray:
            return self._memo(
                ("liabilities", binding_only),
                lambda: DealNetwork.liabilities(self, binding_only=binding_only),
            )

        def holdings(self) -> np.ndarray:
            return self._memo("holdings", lambda: DealNetwork.holdings(self))

        def claims(self) -> np.ndarray:
            return self._memo("claims", lambda: DealNetwork.claims(self))

        def external_assets(self) -> np.ndarray:
            return self._memo("external_assets", lambda: DealNetwork.external_assets(self))

    return MemoNetwork(**{f.name: getattr(network, f.name) for f in fields(network)})


# Working memory of a chunk per path and (company x grid year) cell or network node: peak RSS of
# a streamed run of the full model (7 companies x 12 grid years, 14 nodes, 126 outputs) grew by
# ~275 MB from chunks of 4,096 to 65,536 paths, ~4.5 kB a path, ~46 B a cell or node (the
# financial layer works in slices of its own, so its temporaries do not grow with the chunk).
# In one process, chunks of 16,384 paths ran as fast as 65,536 (and 20 % faster than 4,096:
# fewer per-chunk steps) with a quarter of the memory. On two processes, 1 M paths of the full
# model (134 outputs): chunks of 16,384 0.93x the time of 8,192 (15 pairs), 32,768 1.06x, 4,096
# 1.15x; the base run (60 outputs) 0.97x. (8,192 was the faster while each chunk's arrays lived
# until the next garbage collection, beside the next chunk's: `financial.core.compute`.) The
# per-chunk steps of the layers (~4.5 ms a chunk in Python) are then paid half as often.
_BYTES_PER_PATH_CELL = 48
_CHUNK_BUDGET_BYTES = 300e6
_CHUNK_MAX = 1 << 14


class LinkedModel:
    """The whole model (financial, physical, cluster and network layers, linked) under one set
    of `Assumptions`, as the engine's `columns` / `evaluate(inputs, n, out)`.

    network: the deal network to stress (default: the dataset's, horizon 2026-2030);
    stress_options: keyword arguments of `network.stress_network` (alpha, beta, binding_only).
    """

    def __init__(
        self,
        dataset: Dataset,
        assumptions: Assumptions,
        *,
        metrics: Sequence[str] = ("fcf",),
        entities: Iterable[str] | None = None,
        years: Iterable[int] | None = None,
        network: DealNetwork | None = None,
        stress_options: Mapping[str, Any] | None = None,
    ) -> None:
        # the figures are resolved once, when the layers are prepared below, not per chunk
        self.dataset = dataset
        # while `inputs_read` runs: the resolved assumptions the financial layer reads
        self._reads: set[str] | None = None
        self.assumptions = scenario = assumptions
        metrics = [canonical_metric(m) for m in metrics]
        unknown_metrics = [m for m in metrics if m not in METRICS]
        if unknown_metrics:
            raise ScenarioError(
                f"unknown metric(s) {unknown_metrics}; available: {', '.join(METRICS)}"
            )
        self.metrics = tuple(dict.fromkeys(metrics))
        self.stress_options: dict[str, Any] = dict(stress_options or {})
        params = scenario.parameters
        known_entities = set(dataset.entities["id"])
        self.shock_params: dict[str, str] = {}  # parameter -> node: pays this fraction
        self.asset_shock_params: dict[str, str] = {}  # parameter -> node: factor on its assets
        for p in params:
            kind = network_parameter(p)
            if kind is None:
                continue
            if kind[1] not in known_entities:
                raise ScenarioError(
                    f"{self._who()}unknown parameter {p!r}: {kind[1]!r} is not an entity of the "
                    "dataset"
                )
            (self.shock_params if kind[0] == "shock" else self.asset_shock_params)[p] = kind[1]
        self.financial_params = [p for p in params if p in FINANCIAL_PARAMETERS]
        self.physical_params = [p for p in params if p in PHYSICAL_PARAMETERS]
        self.facts = {fact_name(k): k for k in scenario.fact_overrides}
        self.fact_factor = {
            name: _fact_factor(self.dataset, *key) for name, key in self.facts.items()
        }
        self.years = tuple(years) if years is not None else financial_defaults.DEFAULT_YEARS
        wants_cluster = any(m in CLUSTER_OUTPUTS for m in self.metrics)
        # the accelerator table (physical layer) only when entities may name one
        accelerators = accelerator_ids() if entities is not None or wants_cluster else ()
        asked: list[str] = []
        if entities is not None:
            entities = list(entities)
            self.cluster_entities = tuple(e for e in entities if e in accelerators)
            asked = entities
            entities = [e for e in entities if e not in accelerators]
        else:
            self.cluster_entities = (DEFAULT_ACCELERATOR,)
        self._cluster: ClusterEconomics | None = None
        if wants_cluster:
            if not self.cluster_entities:
                raise ScenarioError(
                    f"cluster metrics: none of {asked} is an accelerator; give one of "
                    f"{', '.join(accelerators)} (default {DEFAULT_ACCELERATOR})"
                )
            self._cluster = ClusterEconomics(
                self.dataset, params, self.cluster_entities, scenario.name
            )
        self.run_financial = any(
            m in FINANCIAL_OUTPUTS or m in PHYSICAL_OUTPUTS or m in ROIC_OUTPUTS
            for m in self.metrics
        )
        if self.run_financial and entities is not None and not entities:
            raise ScenarioError(
                f"company metrics: {asked} holds only accelerators; name a company too"
            )
        # the financial layer computes only the outputs asked for (the physical layer needs capex)
        self.financial_outputs = [m for m in self.metrics if m in FINANCIAL_OUTPUTS]
        if (
            any(m in PHYSICAL_OUTPUTS for m in self.metrics)
            and "capex" not in self.financial_outputs
        ):
            self.financial_outputs.append("capex")
        if any(m in ROIC_OUTPUTS for m in self.metrics):  # ROIC needs capex and server life
            for m in ("capex", "server_life_years"):
                if m not in self.financial_outputs:
                    self.financial_outputs.append(m)
        self._coefs: PressCoefficients | None = None
        self._prepared: PreparedFinancials | None = None
        self._network: DealNetwork | None = None
        self._link: OcfLink | None = None
        self._rental: RentalLink | None = None
        if any(m in PHYSICAL_OUTPUTS for m in self.metrics):
            from ..physical import press_coefficients

            self._coefs = press_coefficients(self.dataset)
        rows: list[tuple[str, str, int]] = []
        self.entities: tuple[str, ...] = ()
        if self.run_financial:
            # one deterministic pass (every input at its median) fixes the entities the run covers
            probe = self._financials(scenario.values(), 1, entities)
            self.entities = probe.entities
            # the engine's runs (`evaluate` into its buffer) go through this, prepared now: a
            # forked process then inherits it instead of preparing its own
            self._prepared = prepare_financials(self.dataset, self.entities, self.years)
        # ROIC (H15): on the financial layer's capex and server life (roic/layer.py)
        self._roic = None
        if any(m in ROIC_OUTPUTS for m in self.metrics):
            self._roic = RoicLayer(self.dataset, self.entities, self.years)
        self.nodes: tuple[str, ...] = ()
        if any(m in NETWORK_OUTPUTS for m in self.metrics):
            from ..network import build_network

            self._network = _memo_network(network or build_network(self.dataset))
            self.nodes = tuple(self._network.nodes)
            shocked = [*self.shock_params.values(), *self.asset_shock_params.values()]
            missing = [e for e in shocked if e not in self.nodes]
            if missing:
                raise ScenarioError(
                    f"{self._who()}shock on {missing}, not node(s) of the deal network "
                    f"({', '.join(self.nodes)})"
                )
            self.network_year = self._network.horizon.last_year
            from .links import OcfLink, RentalLink

            if self.financial_params or self.facts:
                self._link = OcfLink(self.dataset, self._network, run_financials)
            # The linked nodes' OCF comes from the main financial run when it covers them (one
            # run per chunk instead of two): the layer's figure for an (entity, year) does not
            # depend on which other entities and years a run asks for (test_model checks bit for bit).
            self._ocf_from_main = bool(
                self._link is not None
                and self._link.linked
                and self.run_financial
                and set(self._link.linked) <= set(self.entities)
                and set(self._link.years) <= set(self.years)
            )
            if self._ocf_from_main and "ocf" not in self.financial_outputs:
                self.financial_outputs.append("ocf")
            if "price_decline" in params:
                self._rental = RentalLink(
                    self.dataset,
                    self._network,
                    exclude=self._link.linked if self._link is not None else (),
                )
        for m in self.metrics:
            if m in CLUSTER_OUTPUTS:
                rows += [(e, m, self.years[0]) for e in self.cluster_entities]
            elif m in NETWORK_OUTPUTS:
                nodes = [e for e in self.nodes if entities is None or e in set(entities)]
                if not nodes:
                    raise ScenarioError(
                        f"metric {m!r}: none of {asked} is a node of the deal network "
                        f"({', '.join(self.nodes)})"
                    )
                rows += [(e, m, self.network_year) for e in nodes]
            else:
                rows += [(e, m, y) for e in self.entities for y in self.years]
        self.columns = pd.DataFrame(rows, columns=["entity", "metric", "year"]).astype(
            {"year": "int64"}
        )
        self.columns["unit"] = self.columns["metric"].map(metric_unit)
        self._metric_entities = {
            m: list(self.columns.loc[self.columns["metric"] == m, "entity"]) for m in self.metrics
        }
        self._company_rows = {}  # financial metric -> its first row in the output block
        for m in self.metrics:
            if m in FINANCIAL_OUTPUTS:
                self._company_rows[m] = int(
                    np.flatnonzero(self.columns["metric"].to_numpy() == m)[0]
                )
        grid_years = len(self.years) + 4  # the layer's grid starts at the first capex year (~2022)
        cells = max(1, len(self.entities)) * grid_years + len(self.nodes)
        per_path = _BYTES_PER_PATH_CELL * cells + 8 * len(self.columns)
        self.chunk_size = int(max(1024, min(_CHUNK_MAX, _CHUNK_BUDGET_BYTES // per_path)))

    def _who(self) -> str:
        name = self.assumptions.name
        return f"scenario {name!r}: " if name else ""

    def _financials(
        self,
        inputs: Inputs,
        n: int,
        entities: Sequence[str] | None = None,
        *,
        years: Sequence[int] | None = None,
        outputs: Sequence[str] | None = None,
        out: dict[str, np.ndarray] | None = None,
    ) -> FinancialResult:
        """The financial layer on n paths; `out` (output -> (n, entities, years) view of the caller's
        buffer) makes the main run write its kept outputs straight into the output block."""
        if self._reads is None:  # an input it does not read may be absent (`draws`)
            kwargs = {p: inputs[p] for p in self.financial_params if p in inputs}
        else:  # `inputs_read`: the layer notes what it reads, not this hand-over of every input
            kwargs = {p: v for p, v in inputs.items() if p in self.financial_params}
        overrides = {
            key: np.asarray(inputs[name], float) * self.fact_factor[name]
            for name, key in self.facts.items()
        }
        try:
            assumptions = FinancialAssumptions(convention=self.assumptions.convention, **kwargs)
            if out:
                if self._prepared is None:
                    self._prepared = prepare_financials(self.dataset, self.entities, self.years)
                return self._prepared.run(
                    assumptions,
                    paths=n,
                    overrides=overrides,
                    outputs=self.financial_outputs,
                    out=out,
                    explain=False,  # a chunk of a run: the layer's own run explains the figures
                    # the engine's chunk already bounds the memory: one slice a chunk
                    chunk_paths=max(n, 1),
                    reads=self._reads,
                )
            return run_financials(
                self.dataset,
                assumptions,
                entities=entities if entities is not None else (self.entities or None),
                years=years or self.years,
                paths=n,
                overrides=overrides,
                outputs=outputs or self.financial_outputs,
                reads=self._reads,
            )
        except DataError as exc:
            # a name the financial layer does not read (a typo in the scenario) is fixed there;
            # a value it rejects is kept in range by bounding the distribution
            names = all(p.field in ("key", "entity", "metric", "period") for p in exc.problems)
            remedy = "fix the assumption's name" if names else "bound the distribution with min/max"
            raise ScenarioError(
                f"{self._who()}the model rejects a sampled input ({exc}); {remedy}"
            ) from None

    def financial_result(self, inputs: Inputs, n: int = 1) -> FinancialResult:
        """The financial layer's full `FinancialResult` (every output) on these inputs, routed as
        in `evaluate`: what `aicapex financials` shows."""
        return self._financials(inputs, n, outputs=list(FINANCIAL_OUTPUTS))

    def _physical(
        self, capex: np.ndarray, inputs: Mapping[str, np.ndarray | float]
    ) -> dict[str, np.ndarray]:
        from ..physical import convert_capex

        n = capex.shape[0]
        cells = capex.shape[1] * capex.shape[2]
        flat = capex.reshape(n, cells)
        ok = np.isfinite(flat)
        kwargs = {}
        for p in self.physical_params:
            v = np.broadcast_to(np.asarray(inputs[p], float).reshape(-1, 1), (n, cells))
            kwargs[p] = v[ok]
        out = {m: np.full((n, cells), np.nan) for m in PHYSICAL_OUTPUTS}
        if ok.any() and self._coefs is not None:
            try:
                conv = convert_capex(flat[ok], self._coefs, **kwargs)
            except ModelError as exc:
                raise ScenarioError(
                    f"{self._who()}the physical layer rejects a sampled input "
                    f"({exc}); bound the distribution with min/max"
                ) from None
            for m in PHYSICAL_OUTPUTS:
                out[m][ok] = getattr(conv, m)
        return {m: v.reshape(capex.shape) for m, v in out.items()}

    def _linked_ocf(self, inputs: Inputs, n: int, main: FinancialResult | None) -> np.ndarray:
        """(paths or 1, linked, link years) sampled OCF of the OCF link's nodes, USD bn."""
        assert self._link is not None  # only called with an OCF link
        if main is not None:
            rows = [main.entities.index(e) for e in self._link.linked]
            cols = [self.years.index(y) for y in self._link.years]
            # picked in the layer's layout, (entities, years, paths), and returned as a view in
            # it: the link's sum over years is then a few passes over the paths (a (paths,
            # linked, years) copy summed along its short last axis took 5x as long)
            by_entity = np.asarray(main.ocf, float).transpose(1, 2, 0)
            if cols == list(range(cols[0], cols[-1] + 1)):  # the years are consecutive: one copy
                return by_entity[rows, cols[0] : cols[-1] + 1].transpose(2, 0, 1)
            return by_entity[rows][:, cols].transpose(2, 0, 1)
        ocf = self._financials(
            inputs, n, list(self._link.linked), years=self._link.years, outputs=["ocf"]
        ).ocf
        return np.asarray(ocf, float)

    def _network_inputs(
        self, inputs: Inputs, n: int, main: FinancialResult | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """(asset factors, pay fractions or None), each (n, nodes): the links (linked OCF, rental
        prices) and asset shocks on external assets; payment shocks as fractions paid."""
        factors = np.ones((n, len(self.nodes)))
        if self._link is not None and self._link.linked:
            factors = self._link.factors(self._linked_ocf(inputs, n, main), n)
        if self._rental is not None and self._rental.linked:
            factors = factors * self._rental.factors(inputs["price_decline"], n)
        for p, entity in self.asset_shock_params.items():
            factors[:, self.nodes.index(entity)] *= inputs[p]
        pay = None
        if self.shock_params:  # the party pays this fraction of each obligation
            pay = np.ones((n, len(self.nodes)))
            for p, entity in self.shock_params.items():
                pay[:, self.nodes.index(entity)] *= inputs[p]
        return factors, pay

    def _stress(
        self, inputs: Inputs, n: int, main: FinancialResult | None = None
    ) -> dict[str, np.ndarray]:
        """Network stress per path; `main` is this chunk's financial run when it holds the linked OCF."""
        from ..network import pay_clearing, stress_network

        factors, pay = self._network_inputs(inputs, n, main)
        opts = self.stress_options
        assert self._network is not None  # built when a network output is asked for
        try:
            if "total_loss" not in self.metrics:
                # defaults and shortfalls need only the clearing, not the loss channels that
                # stress_network also values: the same clearing call with the same inputs
                if not np.all(np.isfinite(factors)) or (factors < 0).any():
                    raise ModelError(
                        f"external_asset_factors: expected (paths, {len(self.nodes)}) finite "
                        "factors >= 0"
                    )
                if pay is not None and (
                    not np.all(np.isfinite(pay)) or (pay < 0).any() or (pay > 1).any()
                ):
                    raise ModelError("pay_fractions: expected fractions in [0, 1], one per node")
                clearing = pay_clearing(
                    self._network.liabilities(binding_only=bool(opts.get("binding_only"))),
                    self._network.external_assets()[None, :] * factors,
                    pay,
                    alpha=float(opts.get("alpha", 1.0)),
                    beta=float(opts.get("beta", 1.0)),
                )
                return {
                    "defaulted": clearing.defaulted.astype(float),
                    "shortfall": clearing.shortfall,
                }
            res = stress_network(
                self._network,
                external_asset_factors=factors,
                pay_fractions=pay,
                buffer_zero=False,
                **opts,
            )
        except ModelError as exc:
            raise ScenarioError(
                f"{self._who()}the network layer rejects a sampled input "
                f"({exc}); bound the distribution with min/max"
            ) from None
        return {
            "defaulted": res.clearing.defaulted.astype(float),
            "shortfall": res.clearing.shortfall,
            "total_loss": res.total_loss,
        }

    def stress_result(self, inputs: Inputs, n: int = 1, **kwargs: Any) -> StressResult:
        """The network layer's full `StressResult` on these inputs, with the links and shocks
        applied as in `evaluate`: what `aicapex network stress` shows. kwargs: more
        `stress_network` options (shocks, asset_shocks)."""
        from ..network import stress_network

        factors, pay = self._network_inputs(inputs, n, None)
        assert self._network is not None  # built when a network output is asked for
        return stress_network(
            self._network,
            external_asset_factors=factors,
            pay_fractions=pay,
            **self.stress_options,
            **kwargs,
        )

    def inputs_read(self, inputs: Mapping[str, np.ndarray | float]) -> set[str]:
        """The names of the inputs this model reads, found by evaluating one path on `inputs`
        (e.g. the medians): the layers read what they need whatever the values, so the engine
        may draw only these (`InputSet.subset`)."""
        seen: set[str] = set()
        # the financial layer takes its assumptions as one object: an input counts where the
        # layer reads it for these outputs (a tornado of FCF has no row for the interest rate,
        # which only the funding gap reads, nor for the alternative server life)
        self._reads = set()
        try:
            self.evaluate(NotedReads(inputs, seen), 1)
            read = assumptions_read(self._reads)
        finally:
            self._reads = None
        return seen | {p for p in self.financial_params if p in read and p in inputs}

    def draws(self, input_set: InputSet) -> InputSet:
        """The part of `input_set` a run of this model needs to draw: the inputs it reads at the
        medians, correlated groups whole (`InputSet.subset`); the same numbers, less sampling."""
        return input_set.subset(self.inputs_read(input_set.medians()))

    def evaluate(
        self, inputs: Mapping[str, np.ndarray | float], n: int, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Run the layers on n paths; write the kept outputs into out (columns, n)."""
        arrays: dict[str, np.ndarray] = {}
        main = None
        direct: dict[str, np.ndarray] = {}
        if out is not None and self.run_financial:
            shape = (len(self.entities), len(self.years), n)
            for m, r in self._company_rows.items():
                block = out[r : r + shape[0] * shape[1]].reshape(shape)
                if np.shares_memory(block, out):  # a view: the layer writes the rows themselves
                    direct[m] = block.transpose(2, 0, 1)
        if self.run_financial:
            main = self._financials(inputs, n, out=direct)
            arrays = dict(main.arrays)
            if self._coefs is not None:
                capex = np.broadcast_to(arrays["capex"], (n,) + arrays["capex"].shape[1:])
                arrays.update(self._physical(capex, inputs))
        if self._network is not None:
            arrays.update(self._stress(inputs, n, main if self._ocf_from_main else None))
        if self._cluster is not None:
            arrays.update(self._cluster.evaluate(inputs, n))
        if self._roic is not None:
            arrays.update(
                self._roic.evaluate(inputs, n, arrays["capex"], arrays["server_life_years"])
            )
        if out is None:
            out = np.empty((len(self.columns), n))
        row = 0
        for m in self.metrics:
            if m in CLUSTER_OUTPUTS:
                k = len(self.cluster_entities)
                out[row : row + k] = arrays[m].T
                row += k
            elif m in NETWORK_OUTPUTS:
                idx = [self.nodes.index(e) for e in self._metric_entities[m]]
                a = np.broadcast_to(arrays[m], (n, len(self.nodes)))[:, idx]
                out[row : row + len(idx)] = a.T
                row += len(idx)
            else:
                k = len(self.entities) * len(self.years)
                if m in direct:  # already written in place by the financial layer
                    row += k
                    continue
                a = np.broadcast_to(arrays[m], (n, len(self.entities), len(self.years)))
                out[row : row + k] = a.reshape(n, k).T
                row += k
        return out
