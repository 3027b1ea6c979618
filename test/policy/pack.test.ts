/**
 * The pack as the Pulumi engine starts it: Pulumi's own policy-pack runner
 * (`@pulumi/pulumi/cmd/run-policy-pack`, which `pulumi preview --policy-pack
 * policy` runs in the pack's folder) loads policy/ through its package.json
 * `main`, the pack prints the port of its analyzer, and the analyzer answers
 * over gRPC: which policies it has, and what it finds in one of our
 * Deployments made to run as root.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type * as grpcModule from '@grpc/grpc-js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stackSpec } from '../charts/fixtures.js';
import { REPO_ROOT } from '../infra/harness.js';
import { altered, find, manifestResources } from './resources.js';

const require = createRequire(import.meta.url);
const grpc = require('@grpc/grpc-js') as typeof grpcModule;
const analyzerRpc = require('@pulumi/pulumi/proto/analyzer_grpc_pb.js');
const analyzerProto = require('@pulumi/pulumi/proto/analyzer_pb.js');
const { Empty } = require('google-protobuf/google/protobuf/empty_pb.js');
const { Struct } = require('google-protobuf/google/protobuf/struct_pb.js');

const LEVELS = ['advisory', 'mandatory', 'disabled', 'remediate'];

type Rpc = (request: unknown, callback: (err: Error | null, response: unknown) => void) => void;
type AnalyzerClient = Record<'getAnalyzerInfo' | 'analyze', Rpc> & { close(): void };

let pack: ChildProcess;
let client: AnalyzerClient;

/** Starts the runner as the engine does (`<engine address> <program>` in the pack's folder) and reads the port it prints. */
function startPack(): Promise<number> {
  const runner = join(REPO_ROOT, 'node_modules', '@pulumi', 'pulumi', 'cmd', 'run-policy-pack');
  pack = spawn(process.execPath, [runner, '127.0.0.1:1', '.'], { cwd: join(REPO_ROOT, 'policy'), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the policy pack printed no port within 60 s:\n${stderr}`)), 60_000);
    pack.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    pack.stdout!.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      const port = Number(chunk.toString().trim().split('\n')[0]);
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`the policy pack printed ${JSON.stringify(chunk.toString())} instead of a port:\n${stderr}`));
    });
    pack.once('exit', (code) => reject(new Error(`the policy pack exited with ${code}:\n${stderr}`)));
  });
}

function call<T>(method: 'getAnalyzerInfo' | 'analyze', request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method].call(client, request, (err, response) => (err ? reject(err) : resolve(response as T))),
  );
}

beforeAll(async () => {
  const port = await startPack();
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 90_000);

afterAll(() => {
  client?.close();
  pack?.kill('SIGTERM');
});

describe("the policy pack under Pulumi's policy-pack runner", () => {
  test('serves every policy under the pack name, each at its enforcement level', async () => {
    const info = await call<{ getName(): string; getPoliciesList(): { getName(): string; getEnforcementlevel(): number }[] }>(
      'getAnalyzerInfo',
      new Empty(),
    );
    expect(info.getName()).toBe('todo-events-platform');
    const policies = info.getPoliciesList().map((p) => `${p.getName()}:${LEVELS[p.getEnforcementlevel()]}`);
    expect(policies).toContain('network-policy-per-workload:mandatory');
    expect(policies).toContain('container-resources-advisory:advisory');
    expect(policies).toHaveLength(12);
  });

  test('reports a Deployment of prod that may run as root as a mandatory violation', async () => {
    const deployment = altered(find(manifestResources(stackSpec('prod')), 'kubernetes:apps/v1:Deployment', 'todo/audit-service'), (p) => {
      delete p.spec.template.spec.securityContext.runAsNonRoot;
      delete p.spec.template.spec.containers[0].securityContext.runAsNonRoot;
    });
    const request = new analyzerProto.AnalyzeRequest();
    request.setType(deployment.type);
    request.setUrn(deployment.urn);
    request.setName(deployment.name);
    request.setProperties(Struct.fromJavaScript(deployment.props));
    request.setOptions(new analyzerProto.AnalyzerResourceOptions());
    const response = await call<{
      getDiagnosticsList(): { getPolicyname(): string; getMessage(): string; getEnforcementlevel(): number }[];
    }>('analyze', request);
    expect(response.getDiagnosticsList().map((d) => [d.getPolicyname(), LEVELS[d.getEnforcementlevel()], d.getMessage()])).toEqual([
      [
        'non-root-read-only-root',
        'mandatory',
        expect.stringContaining('container audit of Deployment todo/audit-service may run as root (runAsNonRoot is not true)'),
      ],
    ]);
  });
});
