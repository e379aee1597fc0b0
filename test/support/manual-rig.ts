/**
 * A simulator and clients on one ManualClock that moves only when a test says so: for tests that must see what
 * happens while something waits (a login on the server, a pause at the gate, work under a lock), at exact clock times.
 */
import { ManualClock } from '../../src/clock';
import { ProjectorClient } from '../../src/client';
import type { ProjectorClientOptions } from '../../src/options';
import { startSimulator } from '../../src/simulator';
import type { Simulator, SimulatorOptions } from '../../src/simulator';
import { ALICE } from './client';

export interface ManualRig {
  sim: Simulator;
  clock: ManualClock;
  client(options?: Partial<ProjectorClientOptions>): ProjectorClient;
  /** Requests of `operation` the simulator received. */
  sent(operation: string): Simulator['log'][number][];
  close(): Promise<void>;
}

export async function startManualRig(simOptions: SimulatorOptions = {}): Promise<ManualRig> {
  const clock = new ManualClock();
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
    sent: (operation) => sim.log.filter((e) => e.operation === operation),
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await sim.close();
    },
  };
}

/** A promise's outcome, observable without awaiting it. */
export function watch<T>(promise: Promise<T>): { settled: boolean; value?: T; error?: unknown; done: Promise<void> } {
  const w: { settled: boolean; value?: T; error?: unknown; done: Promise<void> } = { settled: false, done: Promise.resolve() };
  w.done = promise.then(
    (value) => void Object.assign(w, { settled: true, value }),
    (error: unknown) => void Object.assign(w, { settled: true, error }),
  );
  return w;
}

/** Lets loopback I/O and promise chains run in real time, without moving the manual clock. */
export const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `predicate` holds (polling in real time, at most `limitInMs`). */
export async function until(predicate: () => boolean, limitInMs = 3000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > limitInMs) throw new Error('condition not reached');
    await settle(5);
  }
}
