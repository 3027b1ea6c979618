/**
 * Runs the Pulumi program under mocks and records what the engine would have
 * been asked to do: every registered (or read) resource with its inputs and
 * its resource options (parent, dependencies, protect, ...), which the mock
 * API alone does not show. One program run per test file: the program
 * registers at import, and jest gives each file a fresh module registry.
 */
import * as pulumi from '@pulumi/pulumi';
import { fileURLToPath } from 'node:url';
import { loadPlatform, PLATFORM_CONFIG_KEY, PROJECT, readStackConfig, stackFile, type PlatformSpec } from '../../platform/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Marker of a secret value in deserialized mock inputs (runtime/rpc.ts specialSigKey → specialSecretSig). */
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** What the mock monitor saw for one resource. */
export interface Registered {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** URN of the parent ('' for none). */
  readonly parent: string;
  readonly custom: boolean;
  /** Provider reference (`<provider urn>::<provider id>`), '' for the default provider. */
  readonly provider: string;
  /** True for `Resource.get` reads. */
  readonly read: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /** The `import` resource option: the id of an existing resource to adopt ('' for none). */
  readonly importId: string;
  /** URNs of explicit and implicit dependencies. */
  readonly dependencies: string[];
  readonly additionalSecretOutputs: string[];
  /** Inputs as the engine receives them: secrets stay wrapped (see isSecretValue). */
  readonly inputs: Record<string, unknown>;
}

/** The plaintext the mocked RandomPassword returns for resource `name`: easy to search for. */
export function fakePassword(name: string): string {
  return `PLAINTEXTPASSWORD${name.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** Base64 of the CA certificate the mocked operator Secret holds. */
export const FAKE_CA_CRT = Buffer.from('-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n').toString('base64');

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Paths (a.b[0].c) of every string in `value` that contains `needle` and is not inside a secret. */
export function plaintextPaths(value: unknown, needle: string, path = ''): string[] {
  if (isSecretValue(value)) return [];
  if (typeof value === 'string') return value.includes(needle) ? [path || '(root)'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => plaintextPaths(v, needle, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => plaintextPaths(v, needle, path ? `${path}.${k}` : k));
  }
  return [];
}

/** `value` with secret wrappers removed, for asserting on content. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Pulumi's organization under the mocks (a DIY backend's is `organization` too). */
export const MOCK_ORGANIZATION = 'organization';

function mockState(
  args: pulumi.runtime.MockResourceArgs,
  preview = false,
  stackOutputs: Record<string, unknown> = {},
): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case 'pulumi:pulumi:StackReference':
      // The program reads its own stack's last outputs (infra/guard-rails.ts).
      return { name: inputs.name, outputs: stackOutputs, secretOutputNames: [] };
    case 'random:index/randomPassword:RandomPassword':
      // In a preview of a first deploy the password does not exist yet: an output left out is unknown.
      return preview ? { ...inputs } : { ...inputs, result: fakePassword(args.name) };
    case 'confluentcloud:index/serviceAccount:ServiceAccount':
      return { ...inputs, apiVersion: 'iam/v2', kind: 'ServiceAccount' };
    case 'confluentcloud:index/apiKey:ApiKey':
      // Confluent generates the secret on create: unknown in the preview of a first deploy.
      return preview ? { ...inputs } : { ...inputs, secret: fakePassword(args.name) };
    case 'kubernetes:yaml/v2:ConfigGroup':
      return { ...inputs, resources: [] };
    case 'kubernetes:core/v1:Secret':
      // A read (Secret.get) of the CA Secret the operator wrote.
      return args.id ? { metadata: { name: args.id.split('/')[1] }, data: { 'ca.crt': FAKE_CA_CRT } } : inputs;
    default:
      return inputs;
  }
}

/** A Confluent Cloud cluster as `confluentcloud.getKafkaCluster` describes it, from the ids asked for. */
export function fakeConfluentCluster(id: string, environment: string): Record<string, unknown> {
  return {
    id,
    environment: { id: environment },
    apiVersion: 'cmk/v2',
    kind: 'Cluster',
    rbacCrn: `crn://confluent.cloud/organization=00000000-0000-0000-0000-000000000000/environment=${environment}/cloud-cluster=${id}`,
  };
}

/** Answers the invokes the program makes (data sources); anything else gets an empty result. */
function mockCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  if (args.token === 'confluentcloud:index/getKafkaCluster:getKafkaCluster') {
    const inputs = args.inputs as { id: string; environment: { id: string } };
    return fakeConfluentCluster(inputs.id, inputs.environment.id);
  }
  return {};
}

interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getObject(): unknown;
  getProperties?(): unknown;
  getProvider(): string;
}

interface RegisterRequest extends MonitorRequest {
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getImportid?(): string;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
}

type Callback = (err: unknown, response: { getUrn(): string } | undefined) => void;

export interface ProgramRun {
  /** What the program threw at import, if anything. */
  readonly error?: unknown;
  readonly resources: Registered[];
  /** The program module's exports (stack outputs), resolved, with secrets kept as Outputs' secrecy flags. */
  readonly outputs: Record<string, unknown>;
  /** Whether each stack output is a secret. */
  readonly outputSecrecy: Record<string, boolean>;
}

export interface RunOptions {
  /** Raw `todo-events:platform` value; defaults to the stack file's. */
  readonly platform?: unknown;
  /** Further plain config, by key without the project prefix. */
  readonly config?: Record<string, string>;
  /** Secret config, by key without the project prefix. */
  readonly secrets?: Record<string, string>;
  /**
   * Run as `pulumi preview` of a first deploy: generated passwords
   * (RandomPassword `result`) are unknown, as they are before the update creates them.
   * @default false
   */
  readonly preview?: boolean;
  /**
   * Outputs of the stack's last deployment, as the program reads them back
   * through a StackReference of itself, e.g. `{ platformSpec: <resolved spec> }`
   * (what the guard rails compare with). @default {} (never deployed)
   */
  readonly stackOutputs?: Record<string, unknown>;
}

/** Lets the mocked registrations (promise chains, no real I/O) run to completion. */
async function settle(pending: () => number): Promise<void> {
  let quietTicks = 0;
  while (quietTicks < 20) {
    await new Promise((resolve) => setImmediate(resolve));
    quietTicks = pending() === 0 ? quietTicks + 1 : 0;
  }
}

async function resolveOutput(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  if (pulumi.Output.isInstance(value)) {
    const secret = await pulumi.isSecret(value as pulumi.Output<unknown>);
    const resolved = await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve));
    return { value: resolved, secret };
  }
  return { value, secret: false };
}

/**
 * Sets mocks and config for `stack`, imports the program, waits until every
 * registration is done and returns what was recorded. When the program throws
 * at import, `error` holds it (and `outputs` is empty).
 */
export async function runProgram(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const resources: Registered[] = [];
  let pending = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: args.id || `${args.name}-id`, state: mockState(args, options.preview, options.stackOutputs) }),
      call: (args) => mockCall(args),
    },
    PROJECT,
    stack,
    options.preview ?? false,
    MOCK_ORGANIZATION,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
    readResource(req: MonitorRequest, cb: Callback): Promise<void>;
  };
  const record = (req: MonitorRequest, read: boolean, cb: Callback): Callback => {
    pending++;
    return (err, response) => {
      pending--;
      if (response) {
        const r = req as Partial<RegisterRequest>;
        resources.push({
          urn: response.getUrn(),
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent(),
          custom: read || (r.getCustom?.() ?? false),
          provider: req.getProvider(),
          read,
          protect: r.getProtect?.() ?? false,
          retainOnDelete: r.getRetainondelete?.() ?? false,
          deleteBeforeReplace: r.getDeletebeforereplace?.() ?? false,
          importId: r.getImportid?.() ?? '',
          dependencies: r.getDependenciesList?.() ?? [],
          additionalSecretOutputs: r.getAdditionalsecretoutputsList?.() ?? [],
          inputs: pulumi.runtime.deserializeProperties((read ? req.getProperties!() : req.getObject()) as never),
        });
      }
      cb(err, response);
    };
  };
  const register = monitor.registerResource.bind(monitor);
  const readResource = monitor.readResource.bind(monitor);
  monitor.registerResource = (req, cb) => register(req, record(req, false, cb));
  monitor.readResource = (req, cb) => readResource(req, record(req, true, cb));

  const platform = options.platform ?? readStackConfig(stackFile(REPO_ROOT, stack));
  const config: Record<string, string> = { [PLATFORM_CONFIG_KEY]: JSON.stringify(platform) };
  for (const [k, v] of Object.entries({ ...options.config, ...options.secrets })) config[`${PROJECT}:${k}`] = v;
  pulumi.runtime.setAllConfig(
    config,
    Object.keys(options.secrets ?? {}).map((k) => `${PROJECT}:${k}`),
  );

  const outputs: Record<string, unknown> = {};
  const outputSecrecy: Record<string, boolean> = {};
  let program: Record<string, unknown>;
  try {
    program = (await import('../../infra/index.js')) as Record<string, unknown>;
  } catch (error) {
    await settle(() => pending);
    return { error, resources, outputs, outputSecrecy };
  }
  for (const [key, value] of Object.entries(program)) {
    const resolved = await resolveOutput(value);
    outputs[key] = resolved.value;
    outputSecrecy[key] = resolved.secret;
  }
  await settle(() => pending);
  return { resources, outputs, outputSecrecy };
}

/** runProgram for a program that must succeed: rethrows its error. */
export async function runProgramOk(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const run = await runProgram(stack, options);
  if (run.error) throw run.error;
  return run;
}

/** A stack's spec and the run of its program: the set-up of each per-stack program test. */
export interface StackProgram {
  /** The spec the stack file of this repository resolves to, which the program deploys. */
  readonly spec: PlatformSpec;
  readonly run: ProgramRun;
}

/** Loads `stack`'s spec and runs its program under mocks, which must succeed. */
export async function runStackProgram(stack: string, options: RunOptions = {}): Promise<StackProgram> {
  return { spec: loadPlatform(stack, REPO_ROOT), run: await runProgramOk(stack, options) };
}

/** Resources of one type. */
export function byType(run: ProgramRun, type: string): Registered[] {
  return run.resources.filter((r) => r.type === type);
}

/** The one resource with this name (fails loudly otherwise). */
export function named(run: ProgramRun, name: string): Registered {
  const found = run.resources.filter((r) => r.name === name && !r.read);
  if (found.length !== 1) {
    throw new Error(`expected one resource named "${name}", found ${found.length}: ${run.resources.map((r) => r.name).join(', ')}`);
  }
  return found[0]!;
}

/** Names of the resources `resource` depends on. */
export function dependencyNames(run: ProgramRun, resource: Registered): string[] {
  return resource.dependencies.map((urn) => run.resources.find((r) => r.urn === urn)?.name ?? urn).sort();
}
