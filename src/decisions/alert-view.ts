import type { Alert } from '../scenarios/index.js';

/**
 * Profiles' expressions read the alert as CrowdSec's Go `models.Alert` (`Alert.Remediation`,
 * `Alert.GetScope()`, `Alert.Source.IP`, …). This view gives an internal Alert those names.
 */
export class AlertSourceView {
  Scope: string;
  Value: string;
  IP: string;
  Range: string;
  AsName: string;
  AsNumber: string;
  Cn: string;
  Latitude: number;
  Longitude: number;

  constructor(a: Alert) {
    const s = a.source;
    this.Scope = s.scope;
    this.Value = s.value;
    this.IP = s.ip ?? '';
    this.Range = s.range ?? '';
    this.AsName = s.asName ?? '';
    this.AsNumber = s.asNumber ?? '';
    this.Cn = s.cn ?? '';
    this.Latitude = s.latitude ?? 0;
    this.Longitude = s.longitude ?? 0;
  }

  GetScope(): string {
    return this.Scope;
  }

  GetValue(): string {
    return this.Value;
  }
}

class EventView {
  constructor(
    readonly Timestamp: string,
    readonly Meta: { Key: string; Value: string }[],
  ) {}

  GetMeta(key: string): string {
    for (const m of this.Meta) if (m.Key === key) return m.Value;
    return '';
  }
}

export class AlertView {
  Scenario: string;
  ScenarioHash: string;
  ScenarioVersion: string;
  Message: string;
  EventsCount: number;
  StartAt: string;
  StopAt: string;
  Capacity: number;
  Leakspeed: string;
  Simulated: boolean;
  Remediation: boolean;
  Source: AlertSourceView;
  Events: EventView[];
  Meta: { Key: string; Value: string }[];
  Labels: string[];
  MachineID: string;
  UUID: string;

  constructor(a: Alert) {
    this.Scenario = a.scenario;
    this.ScenarioHash = a.scenarioHash;
    this.ScenarioVersion = a.scenarioVersion;
    this.Message = a.message;
    this.EventsCount = a.eventsCount;
    this.StartAt = a.startAt;
    this.StopAt = a.stopAt;
    this.Capacity = a.capacity;
    this.Leakspeed = a.leakspeed;
    this.Simulated = a.simulated;
    this.Remediation = a.remediation;
    this.Source = new AlertSourceView(a);
    this.Events = a.events.map((e) => new EventView(e.timestamp, e.meta.map((m) => ({ Key: m.key, Value: m.value }))));
    this.Meta = a.meta.map((m) => ({ Key: m.key, Value: m.value }));
    this.Labels = a.labels;
    this.MachineID = a.machineId;
    this.UUID = a.uuid;
  }

  GetScope(): string {
    return this.Source.Scope;
  }

  GetValue(): string {
    return this.Source.Value;
  }

  GetScenario(): string {
    return this.Scenario;
  }

  GetEventsCount(): number {
    return this.EventsCount;
  }

  GetMeta(key: string): string {
    for (const m of this.Meta) if (m.Key === key) return m.Value;
    return '';
  }
}
