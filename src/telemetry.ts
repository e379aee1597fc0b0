/**
 * OpenTelemetry tracing and metrics, optional. `@opentelemetry/api` is an optional peer: when it cannot be loaded
 * (not installed, or an ESM bundle that cannot `require` it) everything here is a no-op; pass the API module as
 * `openTelemetry: { api }` to choose it explicitly (bundles). The API is a no-op itself until the application
 * registers an SDK, so the cost without one is a few property reads per call.
 *
 * One CLIENT span per call, named `<service>/<operation>` with the RPC semantic conventions (rpc.system `dotnet_wcf`:
 * PWS is a WCF service; rpc.service, rpc.method, server.address, server.port), plus the SDK's own attributes
 * (projector.attempts, projector.waited_ms.<reason>, projector.relogin, projector.error.code / .number,
 * projector.request_id) and an event per wait and per retry. The per-call state travels in an AsyncLocalStorage of
 * our own, so the rate-limit controller can report waits without knowing about spans, and without depending on
 * the application's context manager. Only codes, numbers and names go into spans: never a message text, password,
 * ticket or token.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProjectorError } from './errors';

/** The parts of `@opentelemetry/api` the SDK uses (structural, so the peer's types are not needed to compile). */
export interface OpenTelemetryApi {
  trace: { getTracer(name: string, version?: string): TelemetryTracer; setSpan(context: unknown, span: TelemetrySpan): unknown };
  metrics: { getMeter(name: string, version?: string): TelemetryMeter };
  context: { active(): unknown; with<T>(context: unknown, fn: () => T): T };
  SpanKind: { CLIENT: number };
  SpanStatusCode: { ERROR: number; OK: number };
}
export interface TelemetrySpan {
  setAttribute(key: string, value: string | number | boolean): unknown;
  addEvent(name: string, attributes?: Record<string, string | number | boolean>): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}
export interface TelemetryTracer {
  startSpan(name: string, options: { kind: number; attributes: Record<string, string | number | boolean> }): TelemetrySpan;
}
export interface TelemetryHistogram { record(value: number, attributes?: Record<string, string | number>): void }
export interface TelemetryCounter { add(value: number, attributes?: Record<string, string | number>): void }
export interface TelemetryMeter {
  createHistogram(name: string, options: { description: string; unit: string }): TelemetryHistogram;
  createCounter(name: string, options: { description: string; unit?: string }): TelemetryCounter;
}

export interface TelemetryOptions {
  /** The `@opentelemetry/api` module; by default it is loaded if installed. `false` turns telemetry off. */
  api?: OpenTelemetryApi | false;
}

export type WaitKind = 'paused' | 'queued' | 'pacing' | 'rate-limited' | 'busy' | 'transport';

/** What a call records while it runs. */
class CallRecord {
  attempts = 0;
  readonly waited: Partial<Record<WaitKind, number>> = {};
  relogin = false;
  requestId?: number;
  constructor(readonly span: TelemetrySpan | undefined, readonly telemetry: Telemetry, readonly operation: string) {}
}

const current = new AsyncLocalStorage<CallRecord>();
const SDK_NAME = '@internal/projector-sdk';

function loadApi(option: TelemetryOptions | undefined): OpenTelemetryApi | undefined {
  if (option?.api === false) return undefined;
  if (option?.api) return option.api;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer: absent means no telemetry
    return require('@opentelemetry/api') as OpenTelemetryApi;
  } catch {
    return undefined;
  }
}

export class Telemetry {
  private readonly tracer?: TelemetryTracer;
  private readonly duration?: TelemetryHistogram;
  /** @internal */ readonly rejections?: TelemetryCounter;
  /** @internal */ readonly waits?: TelemetryHistogram;

  constructor(private readonly api: OpenTelemetryApi | undefined, private readonly service: string) {
    if (!api) return;
    this.tracer = api.trace.getTracer(SDK_NAME);
    const meter = api.metrics.getMeter(SDK_NAME);
    this.duration = meter.createHistogram('rpc.client.call.duration', { description: 'Duration of PWS calls, waits and retries included', unit: 's' });
    this.rejections = meter.createCounter('projector.client.rate_limit.rejections', { description: '10016 RequestExceededRateLimit answers received' });
    this.waits = meter.createHistogram('projector.client.wait.duration', { description: 'Time calls waited before sending (pause, queue, pacing, backoff)', unit: 's' });
  }

  static create(option: TelemetryOptions | undefined, service: string): Telemetry {
    return new Telemetry(loadApi(option), service);
  }

  /** Runs one call inside its span; the span becomes the active OTel context, so HTTP spans nest under it. */
  async trace<T>(operation: string, endpoint: string, fn: () => Promise<T>): Promise<T> {
    const api = this.api;
    const url = new URL(endpoint);
    const attributes = {
      'rpc.system': 'dotnet_wcf', 'rpc.service': this.service, 'rpc.method': operation,
      'server.address': url.hostname, 'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    };
    const span = this.tracer?.startSpan(`${this.service}/${operation}`, { kind: api!.SpanKind.CLIENT, attributes });
    const record = new CallRecord(span, this, operation);
    const started = performance.now();
    const run = () => current.run(record, fn);
    let failure: ProjectorError | undefined;
    try {
      return await (api && span ? api.context.with(api.trace.setSpan(api.context.active(), span), run) : run());
    } catch (error) {
      failure = error as ProjectorError;
      throw error;
    } finally {
      const metricAttributes: Record<string, string> = { 'rpc.system': 'dotnet_wcf', 'rpc.service': this.service, 'rpc.method': operation };
      if (failure) metricAttributes['error.type'] = String(failure.code ?? failure.name ?? 'Error');
      this.duration?.record((performance.now() - started) / 1000, metricAttributes);
      if (span) finish(span, record, failure, api!);
    }
  }

  /** The rate-limit controller and the retry loop report here; outside a traced call this does nothing. */
  static waited(kind: WaitKind, ms: number): void {
    const record = current.getStore();
    if (!record || !(ms >= 0)) return;
    record.waited[kind] = (record.waited[kind] ?? 0) + ms;
    record.span?.addEvent('projector.wait', { reason: kind, wait_ms: Math.round(ms) });
    record.telemetry.waits?.record(ms / 1000, { reason: kind, 'rpc.method': record.operation });
  }

  static retried(reason: string, waitInMs: number, attempt: number, code: string): void {
    current.getStore()?.span?.addEvent('projector.retry', { reason, delay_ms: Math.round(waitInMs), attempt, 'error.code': code });
  }

  /** The call's RequestId, for matching a span with the server's logs and PwsFault.ResponseId. */
  static identified(requestId: number): void {
    const record = current.getStore();
    if (record) record.requestId = requestId;
  }

  static attempted(): void {
    const record = current.getStore();
    if (record) record.attempts++;
  }

  static reloggedIn(): void {
    const record = current.getStore();
    if (record) record.relogin = true;
  }

  /** A 10016 rejection arrived. */
  static rejected(): void {
    const record = current.getStore();
    record?.telemetry.rejections?.add(1, { 'rpc.method': record.operation });
  }
}

function finish(span: TelemetrySpan, record: CallRecord, failure: ProjectorError | undefined, api: OpenTelemetryApi): void {
  span.setAttribute('projector.attempts', record.attempts);
  for (const [kind, ms] of Object.entries(record.waited)) span.setAttribute(`projector.waited_ms.${kind}`, Math.round(ms));
  if (record.relogin) span.setAttribute('projector.relogin', true);
  if (record.requestId !== undefined) span.setAttribute('projector.request_id', record.requestId);
  if (failure) {
    const code = String(failure.code ?? failure.name ?? 'Error');
    span.setAttribute('error.type', code);
    span.setAttribute('projector.error.code', code);
    if (typeof failure.errorNumber === 'number') span.setAttribute('projector.error.number', failure.errorNumber);
    // The code, not the message: messages quote server text, which is redacted but not ours to export.
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: code });
  }
  span.end();
}
