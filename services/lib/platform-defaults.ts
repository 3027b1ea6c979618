/**
 * The platform spec resolved from `DEFAULTS` alone. The services read their
 * facts (topics they consume, dead-letter topic, port, topic keys) from the
 * environment the Deployment renderer writes; this spec supplies the same
 * facts when a variable is absent, e.g. when a service runs on a laptop.
 *
 * Its names are sorted by code unit (`CODE_UNIT_ORDER`), not with
 * `localeCompare` as for synthesis: the services only look entries up by
 * name, and `localeCompare` would load ICU's collation into every service
 * at start-up (1.5 MiB of its resident memory, measured from the bundle).
 */
import { CODE_UNIT_ORDER, resolvePlatform, type PlatformSpec, type ServiceSpec } from '../../platform/index.js';

let cached: PlatformSpec | undefined;

/** The platform spec of a stack that overrides nothing, its names sorted by code unit. */
export function platformDefaults(): PlatformSpec {
  cached ??= resolvePlatform('defaults', {}, { order: CODE_UNIT_ORDER });
  return cached;
}

/** The default spec of service `name` (e.g. `audit`); throws naming the known services when unknown. */
export function defaultServiceSpec(name: string, spec: PlatformSpec = platformDefaults()): ServiceSpec {
  const service = spec.services.find((s) => s.name === name);
  if (service === undefined) {
    throw new Error(`unknown service ${JSON.stringify(name)}; the platform spec defines ${spec.services.map((s) => s.name).join(', ')}`);
  }
  return service;
}
