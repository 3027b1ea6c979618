/**
 * Who the spec's users are on a live cluster. On every flavor but one a user is
 * its name: SCRAM user `<name>`, ACL principal `User:<name>`. On Confluent
 * Cloud a user is a service account named `todo-events-<stack>-<user>`, and
 * its ACLs name it by the account's id, `User:sa-…` (infra/confluent-cloud.ts),
 * so each user's principal is looked up among the organization's service
 * accounts, and the users compared are those accounts: Confluent Cloud has no
 * SCRAM users.
 */
import { serviceAccountName, serviceAccountPrefix, serviceAccountStack } from '../confluent-cloud.js';
import type { PlatformSpec } from '../types.js';
import type { Change } from './change.js';
import type { LiveCluster, LiveServiceAccount } from './live-cluster.js';

/** How the users of one spec appear on one live cluster. */
export interface Principals {
  /** The ACL principal of a spec user; undefined when it has none there (its service account does not exist). */
  readonly principalOf: (user: string) => string | undefined;
  /** The name a live principal is reported under: its spec user, else its service account's name, else the principal without `User:`. */
  readonly subjectOf: (principal: string) => string;
  /** Whether a live principal is this stack's: a spec user's, or a service account made for this stack. */
  readonly isStacks: (principal: string) => boolean;
}

const USER = 'User:';

/** `<user>`: the user name of a `User:<name>` principal, else the principal itself. */
function userOf(principal: string): string {
  return principal.startsWith(USER) ? principal.slice(USER.length) : principal;
}

/** Whether `account` is one of `spec`'s stack: named with its prefix, and not described as another stack's. */
function isStackAccount(spec: Pick<PlatformSpec, 'stack'>, account: LiveServiceAccount): boolean {
  const stack = serviceAccountStack(account.description);
  return account.displayName.startsWith(serviceAccountPrefix(spec)) && (stack === undefined || stack === spec.stack);
}

/**
 * The principals of `spec`'s users on `live`. A `confluent-cloud` spec needs
 * `live.serviceAccounts`: without them no principal could be matched, and
 * every grant would read as missing and extra at once.
 */
export function principalsOf(
  spec: Pick<PlatformSpec, 'stack' | 'cluster' | 'users'>,
  live: Pick<LiveCluster, 'serviceAccounts'>,
): Principals {
  const users = new Set(spec.users.map((u) => u.name));
  if (spec.cluster.flavor !== 'confluent-cloud') {
    return {
      principalOf: (user) => `${USER}${user}`,
      subjectOf: userOf,
      isStacks: (principal) => users.has(userOf(principal)),
    };
  }
  if (live.serviceAccounts === undefined) {
    throw new Error(`stack ${spec.stack} is on Confluent Cloud: comparing it needs the organization's service accounts`);
  }
  const byName = new Map(live.serviceAccounts.map((a) => [a.displayName, a]));
  const byId = new Map(live.serviceAccounts.map((a) => [a.id, a]));
  const userOfAccount = new Map(
    spec.users.flatMap((u) => {
      const account = byName.get(serviceAccountName(spec, u));
      return account ? [[account.id, u.name] as const] : [];
    }),
  );
  const prefix = serviceAccountPrefix(spec);
  return {
    principalOf: (user) => {
      const account = byName.get(serviceAccountName(spec, { name: user }));
      return account && `${USER}${account.id}`;
    },
    subjectOf: (principal) => {
      const id = userOf(principal);
      const account = byId.get(id);
      if (!account) return id;
      return userOfAccount.get(id) ?? (isStackAccount(spec, account) ? account.displayName.slice(prefix.length) : account.displayName);
    },
    isStacks: (principal) => {
      const account = byId.get(userOf(principal));
      return account !== undefined && (userOfAccount.has(account.id) || isStackAccount(spec, account));
    },
  };
}

/**
 * Confluent Cloud's users against the spec's: a spec user without its service
 * account is missing (with it, its API key and grants); an account made for
 * this stack that no spec user has is extra. Accounts named otherwise are other
 * applications' and never reported.
 */
export function serviceAccountChanges(spec: Pick<PlatformSpec, 'stack' | 'users'>, accounts: readonly LiveServiceAccount[]): Change[] {
  const names = new Set(accounts.map((a) => a.displayName));
  const wanted = new Set(spec.users.map((u) => serviceAccountName(spec, u)));
  const prefix = serviceAccountPrefix(spec);
  const missing: Change[] = spec.users
    .filter((u) => !names.has(serviceAccountName(spec, u)))
    .map((u) => ({
      area: 'user',
      kind: 'missing',
      subject: u.name,
      setting: '',
      path: 'users',
      before: `${u.kind}, service account ${serviceAccountName(spec, u)}`,
      after: null,
    }));
  const extra: Change[] = accounts
    .filter((a) => !wanted.has(a.displayName) && isStackAccount(spec, a))
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((a) => ({
      area: 'user',
      kind: 'extra',
      subject: a.displayName.slice(prefix.length),
      setting: '',
      path: 'users',
      before: null,
      after: `service account ${a.displayName}, ${a.id}`,
    }));
  return [...missing, ...extra];
}
