/**
 * What stands in front of the Dapr delivery routes (`/events/<topic>`),
 * before a body is read:
 *
 * - the app API token: a delivery must carry the sidecar's `dapr-api-token`
 *   header, compared in constant time, or it is answered 401. Without it anyone
 *   who can reach the pod could push forged events (a POST to
 *   `/events/task-updates` would reach any user's sockets). daprd sends the
 *   token on every app-channel request when its `APP_API_TOKEN` is set, which
 *   the `dapr.io/app-token-secret` annotation does (platform/dapr-app-token.ts).
 * - a cap on deliveries in flight: the ones beyond are answered 429 with
 *   `Retry-After`. daprd treats every status but 404 as retriable (dapr/dapr
 *   pkg/runtime/processor/pubsub, `publishMessageHTTP`: "for now it is just
 *   404" that drops; everything else returns a retriable error), so an
 *   overloaded app makes the sidecar retry, never drop. A 401 is retried the
 *   same way, so a token mismatch after a rotation holds events instead of
 *   losing them.
 * - a body over the server's limit, from the sidecar itself (the token
 *   matched): answered `DROP`, so the sidecar moves it to the dead-letter
 *   topic, because a 413 would be retried for ever and block the partition.
 *   The limit (2 MiB by default) is above the largest CloudEvent the sidecar
 *   can deliver under `maxMessageBytes` (1 MiB), so only a message that is no
 *   valid event gets there.
 *
 * Health (`/healthz`, `/readyz`) and `/metrics` are not behind it: the
 * kubelet and Prometheus carry no token (nor does daprd's own app health
 * probe). Neither is `GET /dapr/subscribe`, which answers `[]` to anyone
 * (subscriptions are declarative) and so tells nobody anything.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DAPR_APP_TOKEN_HEADER } from '../../platform/index.js';
import { sendJson, type Admission, type RouteOptions } from './http-server.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

/** Seconds a refused-for-load delivery is told to wait (`Retry-After`). @default 1 */
export const DELIVERY_RETRY_AFTER_SECONDS = 1;

/** Least time between two warnings about refused tokens, so a flood of forged requests cannot flood the log. @default 10 s */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export interface DaprGuardOptions {
  /** The token daprd sends (`APP_API_TOKEN`). */
  readonly appApiToken: string;
  /** Deliveries handled at once, over every delivery route. */
  readonly maxConcurrentDeliveries: number;
  readonly metrics: ServiceMetrics;
  readonly log: Logger;
}

/** The deliveries in flight, shared by the routes of one subscriber. */
export class DaprDeliveryGuard {
  private inFlight = 0;
  private readonly expected: Buffer;
  private refusedSinceLog = 0;
  private loggedAt = -Infinity;

  constructor(private readonly options: DaprGuardOptions) {
    if (options.appApiToken === '') throw new Error('the Dapr app API token is empty');
    this.expected = digest(options.appApiToken);
  }

  /** Deliveries being handled now. */
  get active(): number {
    return this.inFlight;
  }

  /**
   * Whether the request carries the token, in time that depends on neither
   * value: both are hashed to 32 bytes first, so `timingSafeEqual` compares
   * equal lengths and the token's length does not show either.
   */
  private authentic(request: IncomingMessage): boolean {
    const given = request.headers[DAPR_APP_TOKEN_HEADER];
    return typeof given === 'string' && given.length > 0 && timingSafeEqual(digest(given), this.expected);
  }

  /** Route options for the delivery route of `topic`. */
  routeOptions(topic: string): RouteOptions {
    const { metrics, log, maxConcurrentDeliveries } = this.options;
    return {
      admit: (request): Admission => {
        if (!this.authentic(request)) {
          metrics.refused('unauthenticated');
          this.refusedSinceLog++;
          const now = Date.now();
          if (now - this.loggedAt >= REFUSAL_LOG_INTERVAL_MS) {
            // After a token rotation every delivery lands here: the sidecar retries them, and this says why.
            log.warn(
              { topic, remote: request.socket.remoteAddress, refused: this.refusedSinceLog },
              `delivery refused: no or wrong ${DAPR_APP_TOKEN_HEADER} (if the Secret was rotated, restart the pods so app and sidecar read the same token)`,
            );
            this.loggedAt = now;
            this.refusedSinceLog = 0;
          }
          return { refuse: { status: 401, body: { error: `missing or wrong ${DAPR_APP_TOKEN_HEADER} header` } } };
        }
        if (this.inFlight >= maxConcurrentDeliveries) {
          metrics.refused('overloaded');
          return {
            refuse: {
              status: 429,
              body: { error: `${maxConcurrentDeliveries} deliveries in flight; retry later` },
              headers: { 'retry-after': String(DELIVERY_RETRY_AFTER_SECONDS) },
            },
          };
        }
        this.inFlight++;
        let released = false;
        return {
          release: () => {
            if (released) return;
            released = true;
            this.inFlight--;
          },
        };
      },
      tooLarge: (_request: IncomingMessage, response: ServerResponse) => {
        metrics.refused('too_large');
        metrics.processed(topic, 'dead_letter');
        log.warn({ topic }, 'delivery body exceeds the limit; dropping it to the dead-letter topic');
        sendJson(response, 200, { status: 'DROP' });
      },
    };
  }
}
