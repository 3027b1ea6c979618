/**
 * The service accounts of a Confluent Cloud organization, read from Confluent's
 * IAM API (`GET /iam/v2/service-accounts`) with a Cloud API key: on that flavor
 * a spec user is a service account, and its ACLs name it by the account's id
 * (`User:sa-…`), which only this API maps to the account's name. The key comes
 * from `CONFLUENT_CLOUD_API_KEY` and `CONFLUENT_CLOUD_API_SECRET`, the variables
 * the Confluent provider itself reads (the stack keeps its own key as
 * `todo-events:confluentCloudApiKey` / `confluentCloudApiSecret`). Read only.
 * @see https://docs.confluent.io/cloud/current/api.html (Service Accounts (iam/v2): List of Service Accounts)
 */
import type { LiveServiceAccount } from '../../platform/changes/index.js';
import { PROJECT } from '../../platform/index.js';
import { ConnectionSettingsError } from './connection.js';

/** Where the Cloud API key is read from: the Confluent provider's own variables. */
export const CONFLUENT_CLOUD_ENV = { apiKey: 'CONFLUENT_CLOUD_API_KEY', apiSecret: 'CONFLUENT_CLOUD_API_SECRET' } as const;

/** Confluent Cloud's API. */
export const CONFLUENT_CLOUD_API = 'https://api.confluent.cloud';

/** The largest page the IAM API serves; the organization's accounts are read page by page. */
const PAGE_SIZE = 100;
/** A bound on pages followed, so a misbehaving `next` link cannot loop forever (10,000 accounts). */
const MAX_PAGES = 100;

/** A Cloud API key (not a Kafka API key: those authenticate to one cluster only). */
export interface CloudApiKey {
  readonly key: string;
  readonly secret: string;
}

/** Lists the organization's service accounts; `npm run drift` takes another one in tests. */
export type ServiceAccountLookup = () => Promise<readonly LiveServiceAccount[]>;

/** The Cloud API key from `env`; throws ConnectionSettingsError naming the variables when either is missing. */
export function cloudApiKeyFrom(env: Readonly<Record<string, string | undefined>>): CloudApiKey {
  const key = env[CONFLUENT_CLOUD_ENV.apiKey];
  const secret = env[CONFLUENT_CLOUD_ENV.apiSecret];
  if (!key || !secret) {
    throw new ConnectionSettingsError(
      `no Cloud API key to list the service accounts with: set ${CONFLUENT_CLOUD_ENV.apiKey} and ${CONFLUENT_CLOUD_ENV.apiSecret} ` +
        `(the stack's own: pulumi config get ${PROJECT}:confluentCloudApiKey, and ${PROJECT}:confluentCloudApiSecret)`,
    );
  }
  return { key, secret };
}

interface ServiceAccountPage {
  readonly data?: readonly { readonly id?: string; readonly display_name?: string; readonly description?: string }[];
  readonly metadata?: { readonly next?: string | null };
  readonly errors?: readonly { readonly detail?: string; readonly title?: string }[];
}

/** Every service account of the organization, following the API's `metadata.next` links. */
export async function listServiceAccounts(
  credentials: CloudApiKey,
  fetchImpl: typeof fetch = fetch,
  baseUrl: string = CONFLUENT_CLOUD_API,
): Promise<LiveServiceAccount[]> {
  const authorization = `Basic ${Buffer.from(`${credentials.key}:${credentials.secret}`).toString('base64')}`;
  const accounts: LiveServiceAccount[] = [];
  let url: string | undefined = `${baseUrl.replace(/\/$/, '')}/iam/v2/service-accounts?page_size=${PAGE_SIZE}`;
  for (let page = 0; url !== undefined; page++) {
    if (page === MAX_PAGES) throw new Error(`listing service accounts: more than ${MAX_PAGES} pages of ${PAGE_SIZE}`);
    const response = await fetchImpl(url, { headers: { authorization, accept: 'application/json' } });
    const body = (await response.json().catch(() => ({}))) as ServiceAccountPage;
    if (!response.ok) {
      const detail = body.errors?.map((e) => e.detail ?? e.title).join('; ');
      throw new Error(`listing service accounts: ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`);
    }
    for (const account of body.data ?? []) {
      if (account.id && account.display_name !== undefined) {
        accounts.push({ id: account.id, displayName: account.display_name, description: account.description });
      }
    }
    url = body.metadata?.next ?? undefined;
  }
  return accounts.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/**
 * The lookup `npm run drift` uses: the IAM API with the Cloud API key of `env`.
 * Throws ConnectionSettingsError at once when the key is missing, before anything is read.
 */
export function serviceAccountsFromEnv(env: Readonly<Record<string, string | undefined>>): ServiceAccountLookup {
  const credentials = cloudApiKeyFrom(env);
  return () => listServiceAccounts(credentials);
}
