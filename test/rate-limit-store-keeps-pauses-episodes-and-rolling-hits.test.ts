/** The in-memory store: pauses only ever extend, episodes outlive a success while paused, reservations are all-or-nothing. */
import { ManualClock } from '../src/clock';
import { MemoryRateLimitStore } from '../src/rate-limit/store';

test('a pause extends to the later end and opens one episode', async () => {
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock);
  expect(await store.getPause('A')).toEqual({ remainingInMs: 0 });
  expect(await store.pause('A', 5_000)).toEqual({ remainingInMs: 5_000, episodeAgeInMs: 0 });
  clock.advance(1_000);
  expect(await store.pause('A', 2_000)).toEqual({ remainingInMs: 4_000, episodeAgeInMs: 1_000 });
  expect(await store.pause('A', 9_000)).toEqual({ remainingInMs: 9_000, episodeAgeInMs: 1_000 });
  expect(await store.getPause('B')).toEqual({ remainingInMs: 0 });
});

test('endEpisode keeps the episode while a pause is in force, and ends it after', async () => {
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock);
  await store.pause('A', 5_000);
  await store.endEpisode('A');
  expect((await store.getPause('A')).episodeAgeInMs).toBe(0);
  clock.advance(5_000);
  await store.endEpisode('A');
  expect(await store.getPause('A')).toEqual({ remainingInMs: 0, episodeAgeInMs: undefined });
  expect((await store.pause('A', 5_000)).episodeAgeInMs).toBe(0); // a new episode
});

test('reserve is all-or-nothing across scopes and says when enough hits age out', async () => {
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock);
  const entries = [{ scope: 'inst', limit: 100 }, { scope: 'user', limit: 3 }];
  for (let i = 0; i < 3; i++) {
    expect(await store.reserve(entries, 1, 10_000)).toEqual({ granted: true, waitInMs: 0 });
    clock.advance(1_000);
  }
  // user is full (hits at 0, 1, 2 s); a weight-2 call needs the two oldest to age out (at 11 s).
  expect(await store.reserve(entries, 2, 10_000)).toEqual({ granted: false, waitInMs: 8_000 });
  expect(await store.reserve([{ scope: 'inst', limit: 100 }], 97, 10_000)).toEqual({ granted: true, waitInMs: 0 }); // refused call recorded nothing
  expect(await store.reserve([{ scope: 'inst', limit: 100 }], 1, 10_000)).toEqual({ granted: false, waitInMs: 7_000 });
  clock.advance(8_000); // 11 s: the hits at 0 and 1 s have aged out of both windows
  expect(await store.reserve(entries, 2, 10_000)).toEqual({ granted: true, waitInMs: 0 });
  // Both windows are full again; the later of the scopes' waits wins (here both wait for the hit at 2 s).
  expect(await store.reserve(entries, 1, 10_000)).toEqual({ granted: false, waitInMs: 1_000 });
});

test('a call heavier than the limit goes through once the window is empty', async () => {
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock);
  expect(await store.reserve([{ scope: 'u', limit: 2 }], 5, 1_000)).toEqual({ granted: true, waitInMs: 0 });
  expect(await store.reserve([{ scope: 'u', limit: 2 }], 5, 1_000)).toEqual({ granted: false, waitInMs: 1_000 });
});
