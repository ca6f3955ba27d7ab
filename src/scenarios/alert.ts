/**
 * An alert: what a scenario's bucket produces when it overflows. The shape follows CrowdSec's
 * `models.Alert` (local API swagger), in camelCase; the API layer maps it to the wire format.
 */
export interface AlertSource {
  /** `Ip`, `Range`, or another scope a scenario declares (`username`, …). */
  scope: string;
  value: string;
  ip?: string;
  range?: string;
  asNumber?: string;
  asName?: string;
  cn?: string;
  latitude?: number;
  longitude?: number;
}

export interface MetaItem {
  key: string;
  value: string;
}

export interface AlertEvent {
  /** RFC 3339 time of the event. */
  timestamp: string;
  meta: MetaItem[];
}

export interface Alert {
  uuid: string;
  /** Which machine (agent) produced it; empty for the local engine. */
  machineId: string;
  scenario: string;
  scenarioHash: string;
  scenarioVersion: string;
  message: string;
  eventsCount: number;
  /** RFC 3339 times of the first and last events. */
  startAt: string;
  stopAt: string;
  capacity: number;
  /** Go duration text, e.g. `10s`. */
  leakspeed: string;
  simulated: boolean;
  /** True when the scenario asks for a remediation (label `remediation: true`). */
  remediation: boolean;
  source: AlertSource;
  events: AlertEvent[];
  meta: MetaItem[];
  labels: string[];
}
