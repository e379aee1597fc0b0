/**
 * OpenTelemetry through the real SDK's in-memory exporter: one CLIENT span per call with the RPC attributes, the
 * waits of a rate-limited call as events and attributes, an error status with the code for a failed call, a nested
 * span for the login, metrics for duration, 10016 rejections and waits, and never a password or ticket anywhere.
 */
import * as otel from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ALICE, PROJECT, startRig, type Rig } from './support/client';

const spans = new InMemorySpanExporter();
const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 60_000 });
const check = { locks: [{ entityIdentity: PROJECT }] };

beforeAll(() => {
  otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  otel.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  otel.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(() => {
  otel.trace.disable();
  otel.metrics.disable();
  otel.context.disable();
});

let rig: Rig;
beforeEach(async () => {
  spans.reset();
  rig = await startRig();
});
afterEach(() => rig.close());

const named = (op: string): ReadableSpan[] => spans.getFinishedSpans().filter((s) => s.attributes['rpc.method'] === op);

/** Every string a span carries: name, attributes, events and their attributes, status. */
function everything(list: ReadableSpan[]): string {
  return JSON.stringify(list.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events.map((e) => [e.name, e.attributes]), status: s.status })));
}

test('a call is one CLIENT span with the RPC attributes, and its login is a span of its own', async () => {
  const client = rig.client({ openTelemetry: { api: otel } });
  await client.checkLocks(check);
  const [call] = named('PwsCheckProjectorLocks');
  const url = new URL(rig.sim.url);
  expect(call.name).toBe('PwsProjectorServices/PwsCheckProjectorLocks');
  expect(call.kind).toBe(otel.SpanKind.CLIENT);
  expect(call.attributes).toMatchObject({
    'rpc.system': 'dotnet_wcf', 'rpc.service': 'PwsProjectorServices', 'rpc.method': 'PwsCheckProjectorLocks',
    'server.address': url.hostname, 'server.port': Number(url.port), 'projector.attempts': 1,
  });
  expect(call.attributes['projector.request_id']).toEqual(expect.any(Number));
  expect(call.status.code).toBe(otel.SpanStatusCode.UNSET);
  const [login] = named('PwsAuthenticate');
  expect(login.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
});

test('a rate-limited call shows its pause as an event and an attribute, and the rejection is counted', async () => {
  const client = rig.client({ openTelemetry: { api: otel }, rateLimit: { random: () => 0 } });
  await client.checkLocks(check);
  rig.sim.setRateLimit({ sessionLimit: 1 });
  await client.checkLocks(check).catch(() => undefined);
  const call = named('PwsCheckProjectorLocks')[1];
  const pauses = call.events.filter((e) => e.name === 'projector.wait' && e.attributes?.reason === 'rate-limited');
  expect(pauses.length).toBeGreaterThanOrEqual(1);
  expect(pauses[0].attributes?.wait_ms).toBeGreaterThanOrEqual(5_000);
  expect(call.attributes['projector.waited_ms.rate-limited']).toBeGreaterThanOrEqual(5_000);
  expect(call.events.some((e) => e.name === 'projector.retry' && e.attributes?.reason === 'rate-limited')).toBe(true);
  expect(call.attributes['projector.attempts']).toBeGreaterThanOrEqual(2);

  await reader.forceFlush();
  const exported = metrics.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
  const rejections = exported.find((m) => m.descriptor.name === 'projector.client.rate_limit.rejections');
  expect(rejections?.dataPoints.reduce((n, p) => n + (p.value as number), 0)).toBeGreaterThanOrEqual(1);
  expect(exported.some((m) => m.descriptor.name === 'rpc.client.call.duration')).toBe(true);
  expect(exported.some((m) => m.descriptor.name === 'projector.client.wait.duration')).toBe(true);
});

test('a failed call has error status with its code and number, and no span holds a password or ticket', async () => {
  const client = rig.client({ openTelemetry: { api: otel } });
  await expect(client.releaseLocks(424242)).rejects.toMatchObject({ code: 'SpecifiedLockNotFound' });
  const [call] = named('PwsReleaseProjectorLocks');
  expect(call.status).toEqual({ code: otel.SpanStatusCode.ERROR, message: 'SpecifiedLockNotFound' });
  expect(call.attributes).toMatchObject({ 'error.type': 'SpecifiedLockNotFound', 'projector.error.code': 'SpecifiedLockNotFound', 'projector.error.number': 50475 });

  const bad = rig.client({ openTelemetry: { api: otel }, credentials: { ...ALICE, password: 'wrong-password-123' } });
  await expect(bad.checkLocks(check)).rejects.toMatchObject({ name: 'AuthenticationError' });
  const all = everything(spans.getFinishedSpans());
  // (The demo password 'projector' is also a word of attribute names, so the distinctive wrong one stands in for it.)
  const tickets = rig.sim.issuedTickets();
  expect(tickets.length).toBeGreaterThan(0);
  for (const secret of ['wrong-password-123', ...tickets]) expect(all).not.toContain(secret);
});

test('without the option, and with api: false, nothing is traced through a disabled API', async () => {
  const client = rig.client({ openTelemetry: { api: false } });
  await client.checkLocks(check);
  expect(spans.getFinishedSpans()).toHaveLength(0);
});
