/**
 * No plain-text secret in any resource input. Pulumi hands a policy secret
 * values already unwrapped, so whether a value was a Pulumi secret cannot be
 * seen here; what can be seen is where secrets travel. In every Kubernetes
 * object but a Secret, a secret must be a reference (`secretKeyRef`,
 * `$(VAR)` expanded from one), never a value:
 * - an environment variable with a secret's name (…PASSWORD, …TOKEN, DATABASE_URL, …) given as `value`;
 * - a Dapr component metadata item with a secret's name given as `value`;
 * - a command-line flag with a secret's name (`--sasl.password=…`) given a literal;
 * - a ConfigMap key with a secret's name;
 * - and, in any input of any resource but a Secret, a URL carrying a password (`scheme://user:password@host`).
 * The ConfigGroup itself is skipped: the engine judges each of its objects as a resource of its own.
 */
import { SERVICE_ENV } from '../../platform/index.js';
import { containersOf, describeObject, kubernetesKind, podTemplateOf } from '../kubernetes.js';
import type { ResourceRule } from '../rule.js';

/** Names that hold secrets: passwords, tokens, keys, credentials, and connection strings that embed them. */
export const SECRET_NAME = new RegExp(
  `(password|passwd|secret|token|api_?key|private_?key|credentials?|^${SERVICE_ENV.databaseUrl}$)`,
  'i',
);
/** A URL with a password in its user info. */
const CREDENTIAL_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@/i;
/** `$(VAR)`: the kubelet expands it from the container's environment (itself from a Secret). */
const ENV_REFERENCE = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;

const SKIPPED_TYPES = new Set(['kubernetes:core/v1:Secret', 'kubernetes:yaml/v2:ConfigGroup', 'kubernetes:yaml/v2:ConfigFile']);

/** Paths of strings under `value` that carry a password in a URL. */
function credentialUrls(value: unknown, path: string): string[] {
  if (typeof value === 'string') return CREDENTIAL_URL.test(value) ? [path || '(root)'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => credentialUrls(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => credentialUrls(v, path ? `${path}.${k}` : k));
  }
  return [];
}

function kubernetesViolations(type: string, props: Record<string, unknown>): string[] {
  const what = describeObject(type, props);
  const problems: string[] = [];
  const pod = podTemplateOf(type, props);
  for (const c of pod ? containersOf(pod.spec) : []) {
    for (const e of c.env ?? []) {
      if (SECRET_NAME.test(e.name) && e.value !== undefined)
        problems.push(`env ${e.name} of container ${c.name} in ${what} is a plain value, not a secretKeyRef`);
    }
    for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
      const flag = /^--?([^=]+)=(.*)$/.exec(arg);
      if (flag && SECRET_NAME.test(flag[1]!) && !ENV_REFERENCE.test(flag[2]!)) {
        problems.push(`argument --${flag[1]} of container ${c.name} in ${what} is a literal, not $(VAR) from a secretKeyRef`);
      }
    }
  }
  if (kubernetesKind(type) === 'Component') {
    const metadata = ((props.spec as { metadata?: { name: string; value?: string }[] } | undefined)?.metadata ?? []) as {
      name: string;
      value?: string;
    }[];
    for (const item of metadata) {
      if (SECRET_NAME.test(item.name) && item.value !== undefined)
        problems.push(`metadata ${item.name} of ${what} is a plain value, not a secretKeyRef`);
    }
  }
  if (kubernetesKind(type) === 'ConfigMap') {
    for (const key of Object.keys((props.data ?? {}) as Record<string, unknown>)) {
      if (SECRET_NAME.test(key)) problems.push(`key ${key} of ${what} looks like a secret; put it in a Secret`);
    }
  }
  return problems;
}

export const noPlaintextSecrets: ResourceRule = {
  name: 'no-plaintext-secrets',
  description: 'No secret is written in plain text into a resource input: secrets are referenced from Secrets',
  remediation:
    'Keep the value in a Kubernetes Secret (the program creates them from `pulumi config set --secret`) and reference it with valueFrom.secretKeyRef',
  scope: 'every-stack',
  validateResource: (args, reportViolation) => {
    if (SKIPPED_TYPES.has(args.type)) return;
    const problems = args.type.startsWith('kubernetes:') ? kubernetesViolations(args.type, args.props) : [];
    for (const path of credentialUrls(args.props, '')) problems.push(`${args.type} ${args.name}: ${path} holds a URL with a password`);
    for (const problem of problems) reportViolation(problem);
  },
};
