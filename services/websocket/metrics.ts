/**
 * Metrics of the websocket service, on the library's registry (`/metrics`).
 */
import { Counter, Gauge } from 'prom-client';
import type { ServiceMetrics } from '../lib/metrics.js';
import type { ClientHubObserver, DisconnectReason } from './client-hub.js';

export const WEBSOCKET_METRICS = {
  /** Gauge of open client connections. */
  connections: 'todo_events_websocket_connections',
  /** Counter of messages queued to clients (one per update per connection). */
  messagesSent: 'todo_events_websocket_messages_sent_total',
  /** Counter of connections the server ended or saw end, by `reason` (slow, heartbeat, expired, shutdown, client). */
  disconnects: 'todo_events_websocket_disconnects_total',
  /** Counter of refused upgrades, by `reason` (a token problem, not_found, unavailable, bad_request, full, user_limit). */
  rejected: 'todo_events_websocket_rejected_total',
} as const;

export class WebSocketMetrics implements ClientHubObserver {
  private readonly connections: Gauge<string>;
  private readonly messagesSent: Counter<string>;
  private readonly disconnects: Counter<string>;
  private readonly rejectedTotal: Counter<string>;
  private readonly labels: { service: string };

  constructor(metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    this.labels = { service: metrics.service };
    this.connections = new Gauge({
      name: WEBSOCKET_METRICS.connections,
      help: 'Open WebSocket client connections.',
      labelNames: ['service'],
      registers,
    });
    this.messagesSent = new Counter({
      name: WEBSOCKET_METRICS.messagesSent,
      help: 'Task updates queued to WebSocket clients (one per update per connection).',
      labelNames: ['service'],
      registers,
    });
    this.disconnects = new Counter({
      name: WEBSOCKET_METRICS.disconnects,
      help: 'WebSocket connections that ended, by reason (slow, heartbeat, expired, shutdown, client).',
      labelNames: ['service', 'reason'],
      registers,
    });
    this.rejectedTotal = new Counter({
      name: WEBSOCKET_METRICS.rejected,
      help: 'Refused WebSocket upgrades, by reason (missing, malformed, bad_signature, invalid_claims, expired, not_found, unavailable, bad_request, full, user_limit).',
      labelNames: ['service', 'reason'],
      registers,
    });
    this.connections.set(this.labels, 0);
  }

  connected(): void {
    this.connections.inc(this.labels);
  }

  disconnected(_userId: string, reason: DisconnectReason): void {
    this.connections.dec(this.labels);
    this.disconnects.inc({ ...this.labels, reason });
  }

  sent(count: number): void {
    this.messagesSent.inc(this.labels, count);
  }

  rejected(reason: string): void {
    this.rejectedTotal.inc({ ...this.labels, reason });
  }
}
