/** Builds a client and a simulator that share one ManualClock, for the facade tests. */
import { ManualClock } from '../../src/clock';
import { ProjectorClient } from '../../src/client';
import type { ProjectorClientOptions } from '../../src/options';
import { startSimulator } from '../../src/simulator';
import type { Simulator, SimulatorOptions } from '../../src/simulator';

export const ALICE = { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' };
export const BOB = { accountCode: 'DEMO', userName: 'bob@example.com', password: 'projector' };
export const PROJECT = { entityCode: 'P001468-001', entityUid: '1152921504607429941', lockType: 'P' as const };

export interface Rig {
  sim: Simulator;
  clock: ManualClock;
  client(options?: Partial<ProjectorClientOptions>): ProjectorClient;
  close(): Promise<void>;
}

/** `clock`: one that moves on its own by default; pass `new ManualClock()` to move it only from the test. */
export async function startRig(simOptions: SimulatorOptions = {}, clock = new ManualClock({ autoAdvance: true })): Promise<Rig> {
  const sim = await startSimulator({ clock, ...simOptions });
  const clients: ProjectorClient[] = [];
  return {
    sim,
    clock,
    client(options = {}) {
      const c = new ProjectorClient({ endpoint: sim.url, credentials: ALICE, clock, ...options });
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await sim.close();
    },
  };
}

export const authCount = (sim: Simulator): number => sim.log.filter((e) => e.operation === 'PwsAuthenticate').length;
