/**
 * The websocket service: consumes `task-updates` and pushes each update to
 * the connected clients of its `user_id`, in the order the topic holds them
 * (the topic is keyed by `user_id`, so one user's updates share a partition).
 * Clients connect to `/ws` on the service's HTTP port with a signed token.
 *
 * Updates are live only: one for a user with no connection is dropped (the
 * client loads current state when it connects), so the handler never fails
 * because of a client.
 */
import type { TaskUpdateEvent } from '../lib/events.js';
import type { ServiceContext, ServiceDefinition, ServiceHandler } from '../lib/handler.js';
import { ClientHub } from './client-hub.js';
import { WebSocketMetrics } from './metrics.js';
import { loadWebSocketSettings, WEBSOCKET_PATH } from './settings.js';
import { attachWebSocketEndpoint } from './upgrade.js';

/** Steps a heartbeat period's pings are spread over (`ClientHub.heartbeat`). @default 30 */
export const HEARTBEAT_SLICES = 30;

/** Time clients get to finish the closing handshake at shutdown. @default 2000 */
export const SHUTDOWN_CLOSE_GRACE_MS = 2_000;

export const websocketService: ServiceDefinition<TaskUpdateEvent> = {
  name: 'websocket',
  async start(context: ServiceContext): Promise<ServiceHandler<TaskUpdateEvent>> {
    const settings = loadWebSocketSettings(context.env);
    const { log } = context;
    const metrics = new WebSocketMetrics(context.metrics);
    const hub = new ClientHub(
      {
        maxBufferedBytes: settings.maxBufferedBytes,
        maxTotalBufferedBytes: settings.maxTotalBufferedBytes,
        slowCloseGraceMs: settings.slowCloseGraceMs,
      },
      metrics,
    );
    let accepting = true;
    const wss = attachWebSocketEndpoint(context.http.server, {
      secret: settings.tokenSecret,
      hub,
      log,
      accepting: () => accepting,
      maxConnections: settings.maxConnections,
      maxConnectionsPerUser: settings.maxConnectionsPerUser,
      rejected: (reason) => metrics.rejected(reason),
    });
    // Each period's pings in HEARTBEAT_SLICES steps, so 10,000 clients never get them all in one tick.
    let slice = 0;
    const heartbeat = setInterval(
      () => hub.heartbeat(slice++ % HEARTBEAT_SLICES, HEARTBEAT_SLICES),
      settings.heartbeatMs / HEARTBEAT_SLICES,
    );
    heartbeat.unref();

    // Clients go first at shutdown: an upgraded socket would otherwise hold the HTTP server open.
    const stopClients = () => {
      if (!accepting) return;
      accepting = false;
      clearInterval(heartbeat);
      hub.closeAll(SHUTDOWN_CLOSE_GRACE_MS);
    };
    context.signal.addEventListener('abort', stopClients, { once: true });

    const { tokenSecret: _secret, ...shown } = settings;
    log.info({ path: WEBSOCKET_PATH, ...shown }, 'websocket endpoint ready');

    return {
      async handle(event) {
        hub.deliver(event.user_id, JSON.stringify(event));
      },
      // Kafka mode: a fetched batch in partition order, without a retry wrapper per update.
      async handleBatch(events) {
        for (const { event } of events) hub.deliver(event.user_id, JSON.stringify(event));
      },
      async close() {
        stopClients();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      },
    };
  },
};
