/**
 * How much of the machine's CPU the host took (steal) and how busy the guest
 * was, between two readings of /proc/stat's `cpu` line. On a shared virtual
 * machine the host's steal moves a two-core workload (the audit service and
 * PostgreSQL together) more than a one-core one (PostgreSQL's COPY alone),
 * so the bench prints it beside each pair's ratio: a low ratio with a high
 * steal says more about the host than about the service.
 * @see https://man7.org/linux/man-pages/man5/proc_stat.5.html (proc_stat(5): the `cpu` line's fields)
 */
import { readFileSync } from 'node:fs';

/** The aggregate `cpu` line's jiffies: all of them, the idle ones (idle + iowait) and the stolen ones. */
export interface HostCpuReading {
  readonly total: number;
  readonly idle: number;
  readonly steal: number;
}

/** Parses /proc/stat's first line, `cpu  user nice system idle iowait irq softirq steal guest guest_nice`. */
export function parseHostCpu(stat: string): HostCpuReading {
  const line = stat.split('\n', 1)[0] ?? '';
  const [label, ...fields] = line.trim().split(/\s+/);
  const jiffies = fields.map(Number);
  if (label !== 'cpu' || jiffies.length < 8 || jiffies.some((value) => !Number.isFinite(value))) {
    throw new Error(`/proc/stat does not start with the aggregate cpu line: ${JSON.stringify(line)}`);
  }
  // guest and guest_nice are already counted in user and nice.
  const [user, nice, system, idle, iowait, irq, softirq, steal] = jiffies as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

export function readHostCpu(): HostCpuReading {
  return parseHostCpu(readFileSync('/proc/stat', 'utf8'));
}

/** Shares of the machine's CPU time between two readings, in percent: taken by the host, and busy in the guest. */
export function hostCpuBetween(from: HostCpuReading, to: HostCpuReading): { stealPercent: number; busyPercent: number } {
  const total = to.total - from.total;
  if (total <= 0) return { stealPercent: 0, busyPercent: 0 };
  const steal = to.steal - from.steal;
  const idle = to.idle - from.idle;
  return { stealPercent: (100 * steal) / total, busyPercent: (100 * (total - idle - steal)) / total };
}
