/**
 * The refresh path, end to end, exactly as the README writes it: a loopback server publishes a WSDL the way WCF does
 * (tempuri ?wsdl importing ?wsdl=wsdl0, ?xsd=xsdN, an HTML answer for the XML Schema import) with two operations
 * the SDK has never seen (PwsSaveWidgets, PwsGetWidgetReport: every value kind, nested complex types, a collection of
 * complex items, nil members). In a temp copy of the repository `npm run fetch-wsdl -- <url>` and `npm run generate`
 * run as child processes; then a consumer file that calls the new operations with `client.call` is type-checked by
 * the copy's tsc (its `@ts-expect-error` lines prove wrong types are refused: an unused one fails the check) and run
 * with ts-node against the copy's simulator, which scripts both operations with `sim.handle`. Every value, and its JS
 * type, is asserted in both directions; the scripted answers are validated against the fetched XSDs, and the
 * simulator's own metadata (now in the WCF layout, from generated/contract.json) is checked to be that contract.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emitModelJson } from '../../scripts/codegen/emit';
import { loadContract } from '../../scripts/codegen/load';
import { compileWsdl } from '../../scripts/codegen/wsdl';
import { compileSchemas } from '../../scripts/codegen/xsd';
import { copyProject, EXTRA_OPERATIONS, sampleBody, startWcfService, TEMPURI_NS, WIDGETS_NS, type ProjectCopy, type WcfService } from '../support/wcf-service';
import { runCommand as run, type CommandRun as Run } from '../support/run-command';
import { validateEnvelope } from '../support/xsd';

// npm, ts-node and tsc start as child processes (about 30 s together here); generous for a loaded machine.
jest.setTimeout(150_000);

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SEVEN_DIGITS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;

/** Raw request envelopes for the XSD check of the scripted answers: every member set (or every nillable one nil). */
function rawRequests(): Record<string, { body: string; soapAction: string }> {
  const wrap = (payload: string) => `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body>${payload}</s:Body></s:Envelope>`;
  const [save, report] = EXTRA_OPERATIONS;
  return {
    save: { body: wrap(sampleBody(save, 'request')), soapAction: save.soapAction },
    // Every nillable member nil, but for the session ticket.
    saveNil: {
      body: wrap(sampleBody(save, 'request', { nil: true }).replace('<req:SessionTicket i:nil="true"/>', '<req:SessionTicket>AYlq2lioh82F1PapkJ+Npg==</req:SessionTicket>')),
      soapAction: save.soapAction,
    },
    report: { body: wrap(sampleBody(report, 'request')), soapAction: report.soapAction },
  };
}

/** The consumer: the code a team would write after the refresh. It prints one JSON line with everything observed. */
const CONSUMER = String.raw`
import { readFileSync } from 'node:fs';
import { ProjectorClient, isProjectorServiceError, type ResultOf } from './src/index';
import { SimulatedFault, startSimulator, type SimRequest, type Simulator } from './src/simulator/index';
import { loginRaw, postRaw } from './src/simulator/testing';

/** The JS type of every leaf, in the value's own shape. */
function typesOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(typesOf);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typesOf(x)]));
  return typeof v;
}
const typed = (value: unknown) => ({ value, types: typesOf(value) });

/** Never called: each line below must be refused by the compiler (an unused @ts-expect-error fails tsc). */
export function refusedByTheCompiler(client: ProjectorClient, sim: Simulator): void {
  // @ts-expect-error a decimal is a string (a number would lose digits)
  void client.call('PwsSaveWidgets', { Widgets: [{ Dimensions: { WidthMm: 12.5 } }] });
  // @ts-expect-error an int is a number, not a string
  void client.call('PwsSaveWidgets', { Widgets: [{ Quantity: '5' }] });
  // @ts-expect-error a double is a number
  void client.call('PwsSaveWidgets', { Widgets: [{ Dimensions: { WeightKg: '0.1' } }] });
  // @ts-expect-error a boolean is a boolean
  void client.call('PwsSaveWidgets', { ReplaceExistingFlag: 'false' });
  // @ts-expect-error a long is a decimal string, a bigint or a number, never a boolean
  void client.call('PwsGetWidgetReport', { WidgetUid: true });
  // @ts-expect-error a dateTime is a string or a Date
  void client.call('PwsGetWidgetReport', { AsOfUtc: 1735603200000 });
  // @ts-expect-error 'Ultra' is not a PwsWidgetKind
  void client.call('PwsGetWidgetReport', { Kind: 'Ultra' });
  // @ts-expect-error no such member
  void client.call('PwsGetWidgetReport', { Kind: 'Custom', Colour: 'blue' });
  // @ts-expect-error no such member in a nested type either
  void client.call('PwsSaveWidgets', { Widgets: [{ Colour: 'blue' }] });
  // @ts-expect-error a collection is an array
  void client.call('PwsSaveWidgets', { Widgets: { Quantity: 1 } });
  // @ts-expect-error RequestId is filled in by the SDK
  void client.call('PwsSaveWidgets', { RequestId: 1 });
  // @ts-expect-error the request is missing
  void client.call('PwsSaveWidgets');
  // @ts-expect-error an operation the WSDL does not have
  void client.call('PwsSaveWidget', {});
  void (async () => {
    const r: ResultOf<'PwsGetWidgetReport'> = await client.call('PwsGetWidgetReport', { Kind: 'Custom' });
    // @ts-expect-error a long arrives as a decimal string
    const uid: number | undefined = r.Report?.Widget?.WidgetUid;
    // @ts-expect-error a decimal arrives as a string
    const width: number | undefined = r.Report?.Widget?.Dimensions?.WidthMm;
    // @ts-expect-error a collection is an array of items
    const history: string | undefined = r.Report?.History;
    const count: number = r.Report?.History.length ?? 0;
    void [uid, width, history, count];
  })();
  sim.handle('PwsSaveWidgets', (request) => {
    // @ts-expect-error a handler receives a long as a decimal string
    const uid: number | undefined = request.Widgets[0]?.WidgetUid;
    // @ts-expect-error the SDK's members are not part of what a handler sees
    void request.SessionTicket;
    void uid;
    return { SavedCount: request.Widgets.length };
  });
  // @ts-expect-error SavedCount is an int
  sim.handle('PwsSaveWidgets', () => ({ SavedCount: '1' }));
  // @ts-expect-error no such member in the reply
  sim.handle('PwsGetWidgetReport', () => ({ Colour: 'blue' }));
  // @ts-expect-error an operation the WSDL does not have
  sim.handle('PwsSaveWidget', () => ({}));
}

async function main(): Promise<void> {
  const input = JSON.parse(readFileSync('consumer-input.json', 'utf8')) as { widgetsSchema: string; raw: Record<'save' | 'saveNil' | 'report', { body: string; soapAction: string }> };
  const raw = input.raw;
  const sim = await startSimulator();
  const client = new ProjectorClient({ endpoint: sim.url, credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: 'projector' } });
  const out: Record<string, unknown> = { url: sim.url };
  try {
    // No script yet: Status Ok with the base members only.
    out.unscripted = {
      save: typed(await client.call('PwsSaveWidgets', { Widgets: [] })),
      report: typed(await client.call('PwsGetWidgetReport', { Kind: 'Standard' })),
    };

    const saves: SimRequest<'PwsSaveWidgets'>[] = [];
    const contexts: unknown[] = [];
    sim.handle('PwsSaveWidgets', (request, context) => {
      saves.push(request);
      contexts.push(context);
      return { SavedCount: request.Widgets.length, SavedWidgets: request.Widgets };
    });
    const saved = await client.call('PwsSaveWidgets', {
      Widgets: [
        {
          WidgetUid: '1152921504607429941',
          WidgetCode: 'W-001 <blue> & "green"',
          Kind: 'Deluxe',
          Dimensions: { WidthMm: '1234567890.123456789', WeightKg: 0.1, Ratio: 0.75 },
          Quantity: -2147483648,
          Priority: -32768,
          Tier: -128,
          SerialNumber: 4294967295,
          ActiveFlag: true,
          ModifiedUtc: '2024-02-29T23:59:59.1234567Z',
          ReorderLevel: 12,
        },
        {
          WidgetUid: 9007199254740993n,
          Kind: 'Standard',
          Quantity: 2147483647,
          Priority: 32767,
          Tier: 127,
          SerialNumber: 0,
          ActiveFlag: false,
          ModifiedUtc: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)),
        },
      ],
      ReplaceExistingFlag: false,
    });
    out.save = { received: typed(saves[0]), context: contexts[0], result: typed(saved) };

    const asked: SimRequest<'PwsGetWidgetReport'>[] = [];
    const reportHandler = (request: SimRequest<'PwsGetWidgetReport'>) => {
      asked.push(request);
      return {
        Report: {
          Widget: {
            WidgetUid: 9223372036854775807n,
            WidgetCode: '',
            Kind: 'Custom' as const,
            Quantity: 0,
            Priority: 1,
            Tier: 0,
            SerialNumber: 1,
            ActiveFlag: true,
            ModifiedUtc: '0001-01-01T00:00:00',
            ReorderLevel: -1,
          },
          TotalQuantity: '9007199254740993',
          AverageWeightKg: -1.5e-7,
          GeneratedUtc: '2025-01-02T03:04:05.0000001Z',
          History: [],
        },
        Messages: [{ ErrorNumber: 50476, ErrorCode: 'LockAlreadyReleased', ErrorText: 'Warning: scripted & <escaped>', Type: 'Warning' as const }],
      };
    };
    sim.handle('PwsGetWidgetReport', reportHandler);
    const report = await client.call('PwsGetWidgetReport', { WidgetUid: 1152921504607429942n, Kind: 'Custom', AsOfUtc: new Date(Date.UTC(2024, 11, 31)) });
    out.report = { received: typed(asked[0]), result: typed(report) };

    sim.handle('PwsGetWidgetReport', () => {
      throw new SimulatedFault({ messages: [{ errorNumber: 50024, errorCode: 'EntityNotFound', errorText: 'Entity PwsWidget was not found.' }] });
    });
    const fault = await client.call('PwsGetWidgetReport', { Kind: 'Custom' }).catch((e: unknown) => e);
    out.fault = isProjectorServiceError(fault)
      ? { name: fault.name, code: fault.code, errorNumber: fault.errorNumber, operation: fault.operation, status: fault.status }
      : String(fault);

    // A new operation needs a live session like any other: the client logs in again once.
    sim.handle('PwsGetWidgetReport', reportHandler);
    sim.invalidateAllSessions();
    sim.clearLog();
    const again = await client.call('PwsGetWidgetReport', { Kind: 'Deluxe' });
    out.relogin = { status: again.Status, log: sim.log.map((e) => e.operation + ':' + e.outcome + ':' + (e.errorNumber ?? '')) };

    // Raw answers, for the XSD check in the test.
    const ticket = await loginRaw(sim.url);
    const post = async (r: { body: string; soapAction: string }) => (await postRaw(sim.url, r.body.split('AYlq2lioh82F1PapkJ+Npg==').join(ticket), { soapAction: r.soapAction })).body;
    const before = saves.length;
    out.raw = { save: await post(raw.save), saveNil: await post(raw.saveNil), report: await post(raw.report) };
    out.rawSaveNilReceived = typed(saves[before + 1]);

    // The simulator's metadata, from the embedded (now WCF-layout) contract.
    const get = async (query: string) => (await fetch(sim.url + '?' + query)).text();
    out.metadata = { wsdl: await get('wsdl'), wsdl0: await get('wsdl=wsdl0'), widgets: await get('xsd=' + input.widgetsSchema), single: await get('singleWsdl') };
  } finally {
    await client.close();
    await sim.close();
  }
  process.stdout.write('\n' + JSON.stringify(out) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
  process.exit(1);
});
`;

const FULL_WIDGET = {
  WidgetUid: '1152921504607429941',
  WidgetCode: 'W-001 <blue> & "green"',
  Kind: 'Deluxe',
  Dimensions: { WidthMm: '1234567890.123456789', WeightKg: 0.1, Ratio: 0.75 },
  Quantity: -2147483648,
  Priority: -32768,
  Tier: -128,
  SerialNumber: 4294967295,
  ActiveFlag: true,
  ModifiedUtc: '2024-02-29T23:59:59.1234567Z',
  ReorderLevel: 12,
};
const FULL_WIDGET_TYPES = {
  WidgetUid: 'string',
  WidgetCode: 'string',
  Kind: 'string',
  Dimensions: { WidthMm: 'string', WeightKg: 'number', Ratio: 'number' },
  Quantity: 'number',
  Priority: 'number',
  Tier: 'number',
  SerialNumber: 'number',
  ActiveFlag: 'boolean',
  ModifiedUtc: 'string',
  ReorderLevel: 'number',
};
// WidgetCode, Dimensions and ReorderLevel were left out: nil on the way back, absent on arrival.
const SPARSE_WIDGET = { WidgetUid: '9007199254740993', Kind: 'Standard', Quantity: 2147483647, Priority: 32767, Tier: 127, SerialNumber: 0, ActiveFlag: false, ModifiedUtc: '2025-01-02T03:04:05.006Z' };
const SPARSE_WIDGET_TYPES = { WidgetUid: 'string', Kind: 'string', Quantity: 'number', Priority: 'number', Tier: 'number', SerialNumber: 'number', ActiveFlag: 'boolean', ModifiedUtc: 'string' };

interface Typed {
  value: Record<string, unknown>;
  types: Record<string, unknown>;
}

/** A result without its per-call base members (checked separately). */
function withoutCallBase(t: Typed): Typed {
  const { ResponseId, ServerTimestampUtc, ...value } = t.value;
  expect(typeof ResponseId).toBe('number');
  expect(ServerTimestampUtc).toMatch(SEVEN_DIGITS);
  const { ResponseId: _r, ServerTimestampUtc: _s, ...types } = t.types;
  return { value, types };
}

let wcf: WcfService;
/** The id (xsdN) under which WCF serves the new operations' schema; fetch-wsdl keeps it as the file name. */
const widgetsSchemaId = () => wcf.schemas.find((x) => x.namespace === WIDGETS_NS)!.id;
let project: ProjectCopy;
let out: Record<string, unknown>;
let tscResult: Run;

beforeAll(async () => {
  [wcf, project] = await Promise.all([startWcfService({ extraOperations: true }), copyProject()]);
});
afterAll(async () => {
  await wcf?.close();
  await project?.remove();
});

it('npm run fetch-wsdl -- <url> and npm run generate bring the two new operations into the copy', async () => {
  const fetched = await run('npm', ['run', 'fetch-wsdl', '--', wcf.url], project.dir);
  expect(fetched.stderr.split('\n').filter((l) => l.trim() && !/^npm (warn|WARN)/.test(l))).toEqual([]);
  expect(fetched.code).toBe(0);
  expect((await fs.readdir(project.wsdlDir)).sort()).toEqual(['PwsProjectorServices.wsdl', 'wsdl0.wsdl', ...wcf.schemas.map((x) => `${x.id}.xsd`)].sort());

  const generated = await run('npm', ['run', 'generate'], project.dir);
  expect(generated.code).toBe(0);
  expect((await fs.readdir(path.join(project.dir, 'generated'))).sort()).toEqual(['contract.json', 'index.ts', 'model.json', 'types.d.ts']);
  const model = await fs.readFile(path.join(project.dir, 'generated', 'model.json'), 'utf8');
  expect(model).toContain('"PwsSaveWidgets"');
  expect(model).toContain('"PwsGetWidgetReport"');
  const contract = await fs.readFile(path.join(project.dir, 'generated', 'contract.json'), 'utf8');
  expect(contract).toContain('"wsdl0.wsdl"');

  await fs.writeFile(path.join(project.dir, 'widgets-consumer.ts'), CONSUMER);
  await fs.writeFile(path.join(project.dir, 'consumer-input.json'), JSON.stringify({ raw: rawRequests(), widgetsSchema: widgetsSchemaId() }));
  await fs.writeFile(
    path.join(project.dir, 'tsconfig.consumer.json'),
    JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true, types: ['node'] }, include: ['widgets-consumer.ts'] }, null, 2),
  );
  // Type-check and run side by side (independent child processes).
  const [tsc, ran] = await Promise.all([
    run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.consumer.json'], project.dir),
    run('node', ['-r', 'ts-node/register/transpile-only', 'widgets-consumer.ts'], project.dir),
  ]);
  tscResult = tsc;
  expect(ran.stderr).toBe('');
  expect(ran.code).toBe(0);
  const lines = ran.stdout.trim().split('\n');
  out = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
});

it('the consumer type-checks with the copy’s tsc: the new operations are typed, and every @ts-expect-error line is refused', () => {
  expect(tscResult).toMatchObject({ code: 0, stdout: '' });
});

it('PwsSaveWidgets: the handler receives every value with its JS type, and the result arrives exactly', () => {
  const save = out.save as { received: Typed; context: unknown; result: Typed };
  expect(save.received).toStrictEqual({
    value: { Widgets: [FULL_WIDGET, SPARSE_WIDGET], ReplaceExistingFlag: false },
    types: { Widgets: [FULL_WIDGET_TYPES, SPARSE_WIDGET_TYPES], ReplaceExistingFlag: 'boolean' },
  });
  expect(save.context).toEqual({ operation: 'PwsSaveWidgets', requestId: expect.any(Number), accountCode: 'DEMO', userName: 'alice@example.com' });
  expect(withoutCallBase(save.result)).toStrictEqual({
    value: { Messages: [], Status: 'Ok', SavedCount: 2, SavedWidgets: [FULL_WIDGET, SPARSE_WIDGET] },
    types: { Messages: [], Status: 'string', SavedCount: 'number', SavedWidgets: [FULL_WIDGET_TYPES, SPARSE_WIDGET_TYPES] },
  });
});

it('PwsGetWidgetReport: bigint and Date arrive as exact strings; nested types, an empty collection, an empty string and nil members arrive exactly', () => {
  const report = out.report as { received: Typed; result: Typed };
  expect(report.received).toStrictEqual({
    value: { WidgetUid: '1152921504607429942', Kind: 'Custom', AsOfUtc: '2024-12-31T00:00:00.000Z' },
    types: { WidgetUid: 'string', Kind: 'string', AsOfUtc: 'string' },
  });
  expect(withoutCallBase(report.result)).toStrictEqual({
    value: {
      Messages: [{ ErrorCode: 'LockAlreadyReleased', ErrorNumber: 50476, ErrorText: 'Warning: scripted & <escaped>', Type: 'Warning' }],
      Status: 'OkWithWarnings',
      // ReportTitle was not given: written nil, absent on arrival. So is the widget's Dimensions.
      Report: {
        Widget: { WidgetUid: '9223372036854775807', WidgetCode: '', Kind: 'Custom', Quantity: 0, Priority: 1, Tier: 0, SerialNumber: 1, ActiveFlag: true, ModifiedUtc: '0001-01-01T00:00:00', ReorderLevel: -1 },
        TotalQuantity: '9007199254740993',
        AverageWeightKg: -1.5e-7,
        GeneratedUtc: '2025-01-02T03:04:05.0000001Z',
        History: [],
      },
    },
    types: {
      Messages: [{ ErrorCode: 'string', ErrorNumber: 'number', ErrorText: 'string', Type: 'string' }],
      Status: 'string',
      Report: {
        Widget: { WidgetUid: 'string', WidgetCode: 'string', Kind: 'string', Quantity: 'number', Priority: 'number', Tier: 'number', SerialNumber: 'number', ActiveFlag: 'boolean', ModifiedUtc: 'string', ReorderLevel: 'number' },
        TotalQuantity: 'string',
        AverageWeightKg: 'number',
        GeneratedUtc: 'string',
        History: [],
      },
    },
  });
});

it('without a script a new operation answers Ok with the base members: nil collections arrive as [], nil members absent', () => {
  const { save, report } = out.unscripted as { save: Typed; report: Typed };
  expect(withoutCallBase(save)).toStrictEqual({ value: { Messages: [], Status: 'Ok', SavedWidgets: [] }, types: { Messages: [], Status: 'string', SavedWidgets: [] } });
  expect(withoutCallBase(report)).toStrictEqual({ value: { Messages: [], Status: 'Ok' }, types: { Messages: [], Status: 'string' } });
});

it('a SimulatedFault arrives as the typed error, and an expired session is renewed once for a new operation', () => {
  expect(out.fault).toEqual({ name: 'ProjectorServiceError', code: 'EntityNotFound', errorNumber: 50024, operation: 'PwsGetWidgetReport' });
  expect(out.relogin).toEqual({
    status: 'OkWithWarnings',
    log: ['PwsGetWidgetReport:fail:-101', 'PwsAuthenticate:ok:', 'PwsGetWidgetReport:warning:50476'],
  });
});

it('the scripted answers are valid against the fetched XSDs; a request with every nillable member nil reaches the handler as []', async () => {
  const raw = out.raw as Record<string, string>;
  for (const body of Object.values(raw)) {
    expect(body).toContain('Result xmlns:a="http://projectorpsa.com/DataContracts/Responses/"');
    await expect(validateEnvelope(body, { wsdlDir: project.wsdlDir })).resolves.toEqual({ valid: true, errors: [] });
  }
  expect(raw.save).toContain(`<a:SavedWidgets xmlns:b="${WIDGETS_NS}"><b:PwsWidget><b:WidgetUid>1152921504607429941</b:WidgetUid><b:WidgetCode>W-001 &lt;blue&gt; &amp; &quot;green&quot;</b:WidgetCode>`);
  expect(raw.saveNil).toContain('<a:SavedCount>0</a:SavedCount><a:SavedWidgets/>');
  expect(out.rawSaveNilReceived).toStrictEqual({ value: { Widgets: [], ReplaceExistingFlag: false }, types: { Widgets: [], ReplaceExistingFlag: 'boolean' } });
});

it('the simulator serves the regenerated contract in the WCF layout, and its ?singleWsdl compiles to the same model', async () => {
  const url = out.url as string;
  const { wsdl, wsdl0, widgets, single } = out.metadata as Record<string, string>;
  expect(wsdl).toContain(`targetNamespace="${TEMPURI_NS}"`);
  expect(wsdl).toContain(`location="${url}?wsdl=wsdl0"`);
  expect(wsdl).toContain(`<soap:address location="${url}"/>`);
  expect(wsdl0).toContain(`schemaLocation="${url}?xsd=${widgetsSchemaId()}"`);
  expect(widgets).toContain(`targetNamespace="${WIDGETS_NS}"`);
  expect(single).not.toContain('schemaLocation');
  expect(single).not.toContain('wsdl:import');
  expect(single.match(/<xs:schema\b/g)).toHaveLength(wcf.schemas.length);

  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-single-'));
  try {
    await fs.writeFile(path.join(tmp, 'PwsProjectorServices.wsdl'), single);
    const contract = loadContract(path.join(tmp, 'PwsProjectorServices.wsdl'));
    const schema = compileSchemas(contract);
    // Only the port's address differs (this simulator's, not the fetched one).
    const anyAddress = (text: string) => text.replace(/"address":"[^"]*"/g, '"address":"<service>"');
    const fromSingle = anyAddress(emitModelJson(schema, compileWsdl(contract, schema)));
    expect(fromSingle).toContain('"address":"<service>"');
    const committed = anyAddress(await fs.readFile(path.join(project.dir, 'generated', 'model.json'), 'utf8'));
    expect(committed).toBe(fromSingle);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});
