import { errorMessage, type Clock, type Logger } from '../core/index.js';
import type { Machine, Store } from '../store/index.js';
import { DeferredUpdates } from './deferred-updates.js';
import { MachineTokens } from './machine-tokens.js';

/**
 * Who a machine (agent, cscli) is on the routes it uses: the Bearer token's machine id, then the
 * machine itself — it must still exist and be validated (`herd machines delete` locks it out within
 * `cacheMs`, without waiting for its token to expire). Book-keeping (last heartbeat, last push, IP,
 * version) is written in the background.
 */

export type MachinePatch = Partial<Omit<Machine, 'id' | 'machineId' | 'createdAt'>>;

export type MachineCheck = { machine: Machine } | { error: string };

export class MachineAuth {
  private readonly cache = new Map<string, { machine: Machine | null; at: number }>();
  readonly updates: DeferredUpdates<MachinePatch>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly tokens: MachineTokens,
    private readonly cacheMs = 5000,
  ) {
    this.updates = new DeferredUpdates<MachinePatch>('machine', (id, patch) => store.updateMachine(id, patch), logger);
  }

  /** The machine an `Authorization` header stands for, or gin-jwt's message (answered with 401). */
  async authenticate(authorization: string | undefined): Promise<MachineCheck> {
    const check = await this.tokens.check(authorization);
    if ('error' in check) return check;
    const machine = await this.get(check.machineId);
    if (machine === null) return { error: `machine ${check.machineId} does not exist` };
    if (!machine.isValidated) return { error: `machine ${check.machineId} not validated` };
    return { machine };
  }

  /** The machine with this id (cached for `cacheMs`), with the writes still waiting laid over it. */
  async get(machineId: string): Promise<Machine | null> {
    const now = this.clock.now();
    const cached = this.cache.get(machineId);
    if (cached !== undefined && now - cached.at < this.cacheMs) return cached.machine;
    let row: Machine | null;
    try {
      row = await this.store.getMachine(machineId);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'machine lookup failed');
      throw err;
    }
    const waiting = row === null ? undefined : this.updates.waiting(machineId);
    const machine = row === null ? null : waiting === undefined ? row : { ...row, ...waiting };
    this.remember(machineId, machine, now);
    return machine;
  }

  /** Records a change of a machine now (cache) and in the store (soon). */
  update(machine: Machine, patch: MachinePatch): void {
    Object.assign(machine, patch);
    this.updates.set(machine.machineId, patch);
  }

  remember(machineId: string, machine: Machine | null, now: number = this.clock.now()): void {
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(machineId, { machine, at: now });
  }

  forget(machineId: string): void {
    this.cache.delete(machineId);
  }
}
