import { jest } from '@jest/globals';
import { CODE_UNIT_ORDER, resolvePlatform, type PlatformSpec } from '../../platform/index.js';
import { platformDefaults } from '../../services/lib/platform-defaults.js';

/** `spec` with every list and map sorted the way the default order sorts them. */
function sortedLike(spec: PlatformSpec): PlatformSpec {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const items = value.map(sort);
      return items.every((item) => typeof item === 'object' && item !== null && 'name' in item)
        ? [...items].sort((a, b) => String((a as { name: string }).name).localeCompare(String((b as { name: string }).name)))
        : items;
    }
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sort(v)]),
    );
  };
  return sort(spec) as PlatformSpec;
}

describe('the order of names in the resolved spec', () => {
  afterEach(() => jest.restoreAllMocks());
  const SERVICES = ['audit', 'notification', 'recurring-task', 'websocket'];

  it('is by localeCompare unless told otherwise, as synthesis writes it', () => {
    const compare = jest.spyOn(String.prototype, 'localeCompare');
    const spec = resolvePlatform('defaults', {});
    expect(compare).toHaveBeenCalled();
    expect(spec.services.map((s) => s.name)).toEqual(SERVICES);
  });

  it("is by code unit with CODE_UNIT_ORDER, which never calls localeCompare (ICU's collation)", () => {
    const compare = jest.spyOn(String.prototype, 'localeCompare');
    const spec = resolvePlatform('defaults', {}, { order: CODE_UNIT_ORDER });
    expect(compare).not.toHaveBeenCalled();
    expect(spec.services.map((s) => s.name)).toEqual(SERVICES);
    expect(CODE_UNIT_ORDER('B', 'a')).toBeLessThan(0);
  });

  it('changes nothing but the order', () => {
    expect(sortedLike(resolvePlatform('defaults', {}, { order: CODE_UNIT_ORDER }))).toEqual(sortedLike(resolvePlatform('defaults', {})));
  });

  it("is by code unit in the services' platform defaults, so a service never loads ICU's collation to start", () => {
    const compare = jest.spyOn(String.prototype, 'localeCompare');
    const spec = platformDefaults();
    expect(compare).not.toHaveBeenCalled();
    expect(spec.services.map((s) => s.name)).toEqual(SERVICES);
  });
});
