/**
 * The bench's helpers that decide what is measured: the same events for every
 * part, the peer's records and settings, the open-file limit it reads.
 */
import { benchAuditRow, benchEvent, benchUserPattern } from '../../bench/bench-events.js';
import { AUDIT_RECORD_SCHEMA, connectRecordValue } from '../../bench/kafka-connect.js';
import { hostCpuBetween, parseHostCpu } from '../../bench/host-cpu.js';
import { openFileLimits } from '../../bench/open-files.js';
import { connectPom, CONNECT_DIST, debeziumJdbcArtifact } from '../../scripts/local/connect-dist.js';
import { parseEvent } from '../../services/lib/event-validation.js';

describe('the benchmark events', () => {
  it('are the same for the same run and index, and differ otherwise', () => {
    expect(benchEvent('0123abcd', 7, 1_700_000_000_000)).toEqual(benchEvent('0123abcd', 7, 1_700_000_000_000));
    expect(benchEvent('0123abcd', 7, 0).event_id).not.toBe(benchEvent('0123abcd', 8, 0).event_id);
    expect(benchEvent('0123abcd', 7, 0).event_id).not.toBe(benchEvent('fedc4321', 7, 0).event_id);
  });

  it('are valid task events, as the services check them', () => {
    for (const i of [0, 1, 2, 3, 999_999]) {
      const event = benchEvent('0123abcd', i, Date.parse('2026-01-01T00:00:00Z'));
      expect(parseEvent('task-events', Buffer.from(JSON.stringify(event)), 'task-event')).toEqual(event);
    }
  });

  it('become the audit row the service would write, under the run user pattern', () => {
    const row = benchAuditRow('0123abcd', 4, 0);
    expect(row).toMatchObject({ eventId: benchEvent('0123abcd', 4, 0).event_id, eventType: 'created', taskId: 5, topic: 'task-events' });
    expect(row.userId.startsWith(benchUserPattern('0123abcd').slice(0, -1))).toBe(true);
  });
});

describe("the peer's records", () => {
  it("wrap the event in the JSON converter's schema envelope, the event itself as a JSON string", () => {
    const value = JSON.parse(connectRecordValue('0123abcd', 3, 0)) as { schema: unknown; payload: Record<string, unknown> };
    const event = benchEvent('0123abcd', 3, 0);
    expect(value.schema).toEqual(AUDIT_RECORD_SCHEMA);
    expect(value.payload).toEqual({
      event_id: event.event_id,
      event_type: event.event_type,
      user_id: event.user_id,
      task_id: event.task_id,
      occurred_at: event.timestamp,
      payload: JSON.stringify(event),
    });
  });
});

describe('the Kafka Connect distribution', () => {
  it('is the worker classpath of connect-runtime and connect-json with log4j at the broker version', () => {
    const pom = connectPom(CONNECT_DIST);
    for (const artifact of ['connect-runtime', 'connect-json', 'log4j-core', 'log4j-slf4j-impl'])
      expect(pom).toContain(`<artifactId>${artifact}</artifactId>`);
    expect(pom).toContain(`<version>${CONNECT_DIST.connect}</version>`);
  });

  it("names the connector's plugin archive", () => {
    expect(debeziumJdbcArtifact(CONNECT_DIST)).toBe(`io.debezium:debezium-connector-jdbc:${CONNECT_DIST.debeziumJdbc}:tar.gz:plugin`);
  });
});

describe('openFileLimits', () => {
  it('reads the soft and hard limits of /proc/self/limits', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n';
    expect(openFileLimits(limits)).toEqual({ soft: 1024, hard: 524288 });
  });

  it('reads unlimited as Infinity and answers undefined without the line', () => {
    expect(openFileLimits('Max open files            unlimited            unlimited            files\n')).toEqual({
      soft: Infinity,
      hard: Infinity,
    });
    expect(openFileLimits('Max processes 1 1 processes\n')).toBeUndefined();
  });
});

describe('the host CPU readings', () => {
  const stat = (user: number, idle: number, iowait: number, steal: number) =>
    `cpu  ${user} 5 20 ${idle} ${iowait} 1 4 ${steal} 7 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n`;

  it('reads the aggregate line: idle with iowait, steal apart, guest time not counted twice', () => {
    expect(parseHostCpu(stat(100, 300, 10, 40))).toEqual({ total: 100 + 5 + 20 + 300 + 10 + 1 + 4 + 40, idle: 310, steal: 40 });
  });

  it("gives the host's and the guest's shares between two readings", () => {
    const shares = hostCpuBetween(parseHostCpu(stat(100, 300, 10, 40)), parseHostCpu(stat(160, 320, 10, 60)));
    // 100 jiffies passed: 60 user, 20 idle, 20 stolen.
    expect(shares).toEqual({ stealPercent: 20, busyPercent: 60 });
  });

  it('refuses a file that does not start with the aggregate line', () => {
    expect(() => parseHostCpu('cpu0 1 2 3 4 5 6 7 8\n')).toThrow(
      '/proc/stat does not start with the aggregate cpu line: "cpu0 1 2 3 4 5 6 7 8"',
    );
  });
});
