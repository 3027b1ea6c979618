/**
 * Listing a Confluent Cloud organization's service accounts through the IAM
 * API, against a local HTTP server that answers as Confluent's does
 * (`iam/v2` ServiceAccountList pages linked by `metadata.next`).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionSettingsError } from '../../scripts/changes/connection.js';
import { cloudApiKeyFrom, listServiceAccounts, serviceAccountsFromEnv } from '../../scripts/changes/confluent-service-accounts.js';

const KEY = { key: 'CLOUDKEY', secret: 'CLOUDSECRET' };
const BASIC = `Basic ${Buffer.from('CLOUDKEY:CLOUDSECRET').toString('base64')}`;

let server: Server;
let base: string;
const requests: { url: string; authorization: string | undefined }[] = [];

function page(req: IncomingMessage): { status: number; body: unknown } {
  if (req.headers.authorization !== BASIC) {
    return { status: 401, body: { errors: [{ status: '401', detail: 'Unauthorized: invalid API key' }] } };
  }
  const url = new URL(req.url ?? '/', base);
  if (url.pathname !== '/iam/v2/service-accounts') return { status: 404, body: {} };
  const account = (id: string, name: string) => ({
    api_version: 'iam/v2',
    kind: 'ServiceAccount',
    id,
    display_name: name,
    description: `${name}'s`,
  });
  return url.searchParams.get('page_token') === 'p2'
    ? {
        status: 200,
        body: {
          api_version: 'iam/v2',
          kind: 'ServiceAccountList',
          metadata: {},
          data: [account('sa-b2', 'todo-events-confluent-todo-api')],
        },
      }
    : {
        status: 200,
        body: {
          api_version: 'iam/v2',
          kind: 'ServiceAccountList',
          metadata: { next: `${base}/iam/v2/service-accounts?page_size=100&page_token=p2` },
          data: [account('sa-a1', 'todo-events-confluent-audit-service'), account('sa-a2', 'billing-app')],
        },
      };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const { status, body } = page(req);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("Confluent Cloud's service accounts", () => {
  test('are read page by page with the Cloud API key as basic auth, sorted by name', async () => {
    requests.length = 0;
    await expect(listServiceAccounts(KEY, fetch, base)).resolves.toEqual([
      { id: 'sa-a2', displayName: 'billing-app', description: "billing-app's" },
      { id: 'sa-a1', displayName: 'todo-events-confluent-audit-service', description: "todo-events-confluent-audit-service's" },
      { id: 'sa-b2', displayName: 'todo-events-confluent-todo-api', description: "todo-events-confluent-todo-api's" },
    ]);
    expect(requests).toEqual([
      { url: '/iam/v2/service-accounts?page_size=100', authorization: BASIC },
      { url: '/iam/v2/service-accounts?page_size=100&page_token=p2', authorization: BASIC },
    ]);
  });

  test("fail with the API's status and detail when the key is refused", async () => {
    await expect(listServiceAccounts({ key: 'OTHER', secret: 'X' }, fetch, base)).rejects.toThrow(
      'listing service accounts: 401 Unauthorized: Unauthorized: invalid API key',
    );
  });

  test('need CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET, the Confluent provider’s own variables, before anything is read', () => {
    expect(cloudApiKeyFrom({ CONFLUENT_CLOUD_API_KEY: 'K', CONFLUENT_CLOUD_API_SECRET: 'S' })).toEqual({ key: 'K', secret: 'S' });
    expect(() => serviceAccountsFromEnv({ CONFLUENT_CLOUD_API_KEY: 'K' })).toThrow(ConnectionSettingsError);
    expect(() => serviceAccountsFromEnv({})).toThrow(
      'no Cloud API key to list the service accounts with: set CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET ' +
        "(the stack's own: pulumi config get todo-events:confluentCloudApiKey, and todo-events:confluentCloudApiSecret)",
    );
  });
});
