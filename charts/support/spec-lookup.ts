import { byName } from '../../platform/by-name.js';
import type { PlatformSpec, UserSpec } from '../../platform/index.js';

/** The resolved spec's Kafka user called `name` (every service and producer has one). */
export function userNamed(spec: PlatformSpec, name: string): UserSpec {
  const user = byName(spec.users, name);
  if (!user) throw new Error(`spec has no Kafka user "${name}"; users are derived by resolvePlatform(), pass a resolved spec`);
  return user;
}
