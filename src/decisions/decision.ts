/**
 * A decision: a remediation (ban, captcha, …) on a scope/value for a time. Shape follows CrowdSec's
 * `models.Decision`, in camelCase.
 */
export interface Decision {
  /** Store id; 0 until stored. */
  id: number;
  uuid: string;
  /** `crowdsec` (from a scenario), `cscli` (from the CLI), `CAPI`, `lists`, … */
  origin: string;
  /** `ban`, `captcha`, or a custom remediation. */
  type: string;
  /** `Ip`, `Range`, `AS`, `Country`, … (CrowdSec's capitalisation). */
  scope: string;
  value: string;
  /** Scenario or reason that produced it. */
  scenario: string;
  simulated: boolean;
  /** When it was created and when it stops applying, ms since epoch. */
  createdAt: number;
  until: number;
  /** The alert it came from, when stored; 0 otherwise. */
  alertId: number;
}
