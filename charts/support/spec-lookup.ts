import type { PlatformSpec, UserSpec } from '../../platform/index.js';

/** The resolved spec's Kafka user called `name` (every service and producer has one). */
export function userNamed(spec: PlatformSpec, name: string): UserSpec {
  const user = spec.users.find((u) => u.name === name);
  if (!user) throw new Error(`spec has no Kafka user "${name}"; users are derived by resolvePlatform(), pass a resolved spec`);
  return user;
}
