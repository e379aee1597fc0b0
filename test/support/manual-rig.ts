/**
 * A simulator and clients on one ManualClock that moves only when a test says so: for tests that must see what
 * happens while something waits (a login on the server, a pause at the gate, work under a lock), at exact clock times.
 */
import { ManualClock } from '../../src/clock';
import type { Simulator, SimulatorOptions } from '../../src/simulator';
import { startRig, type Rig } from './client';

export interface ManualRig extends Rig {
  /** Requests of `operation` the simulator received. */
  sent(operation: string): Simulator['log'][number][];
}

export async function startManualRig(simOptions: SimulatorOptions = {}): Promise<ManualRig> {
  const rig = await startRig(simOptions, new ManualClock());
  return { ...rig, sent: (operation) => rig.sim.log.filter((e) => e.operation === operation) };
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
