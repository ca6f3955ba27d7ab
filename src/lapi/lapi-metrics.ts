import { Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../core/index.js';
import type { DecisionIndex } from '../decisions/index.js';

/**
 * The API's Prometheus metrics, in a registry of its own (served at GET /metrics): requests by
 * route, method and status; bouncer requests by bouncer; alerts received per machine; and the
 * active decisions by origin, scenario and type, counted from the in-memory index when scraped.
 * `registry` is the hook for the engine's own counters: register more metrics on it.
 */
export class LapiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly bouncerRequests: Counter<'bouncer' | 'route' | 'method'>;
  readonly machineRequests: Counter<'machine' | 'route' | 'method'>;
  readonly alertsReceived: Counter<'machine'>;

  constructor(index: DecisionIndex, clock: Clock, registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.requests = new Counter({
      name: 'herd_lapi_requests_total',
      help: 'Local API requests answered, by route, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.bouncerRequests = new Counter({
      name: 'herd_lapi_bouncer_requests_total',
      help: 'Local API requests of each bouncer, by route and method',
      labelNames: ['bouncer', 'route', 'method'],
      registers,
    });
    this.machineRequests = new Counter({
      name: 'herd_lapi_machine_requests_total',
      help: 'Local API requests of each machine (agent), by route and method',
      labelNames: ['machine', 'route', 'method'],
      registers,
    });
    this.alertsReceived = new Counter({
      name: 'herd_lapi_alerts_received_total',
      help: 'Alerts pushed to the local API, by machine',
      labelNames: ['machine'],
      registers,
    });
    new Gauge({
      name: 'herd_lapi_active_decisions',
      help: 'Active decisions, by origin, scenario and type',
      labelNames: ['origin', 'scenario', 'type'],
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, { origin: string; scenario: string; type: string; n: number }>();
        for (const d of index.active(clock.now(), { simulated: true })) {
          const key = `${d.origin}\u0000${d.scenario}\u0000${d.type}`;
          const c = counts.get(key);
          if (c === undefined) counts.set(key, { origin: d.origin, scenario: d.scenario, type: d.type, n: 1 });
          else c.n++;
        }
        for (const c of counts.values()) this.set({ origin: c.origin, scenario: c.scenario, type: c.type }, c.n);
      },
    });
  }
}
