import { ID_NAMESPACES, uuidV5 } from '../../../services/recurring-task/uuid-v5.js';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('uuidV5', () => {
  test('matches the published vector of Python uuid.uuid5(NAMESPACE_DNS, "python.org")', () => {
    expect(uuidV5('python.org', DNS_NAMESPACE)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  test('is deterministic and separates names and namespaces', () => {
    const source = '3f1c2a9e-8a55-4a53-9a9e-0b8f5d1c7e21';
    const id = uuidV5(source, ID_NAMESPACES.occurrenceEvent);
    expect(uuidV5(source, ID_NAMESPACES.occurrenceEvent)).toBe(id);
    expect(uuidV5(source, ID_NAMESPACES.reminderEvent)).not.toBe(id);
    expect(uuidV5(`${source}.`, ID_NAMESPACES.occurrenceEvent)).not.toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow('"not-a-uuid" is not a UUID (expected 8-4-4-4-12 hex digits)');
  });
});
