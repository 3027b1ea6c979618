/**
 * The shared secret of the WebSocket access tokens: the API that logs users in
 * signs tokens with it, the websocket service verifies them. The Deployment
 * renderer maps the Secret key to the environment variable; the service reads
 * the variable. Both sides import these names from here.
 */
import type { SecretKeyRef } from './secret-refs.js';

/** Environment variable the websocket service reads the secret from. */
export const WEBSOCKET_TOKEN_ENV = 'WEBSOCKET_TOKEN_SECRET';

/** Secret (apps namespace) holding the token secret: at least 32 random bytes. */
export const WEBSOCKET_TOKEN_SECRET: SecretKeyRef = { name: 'websocket-token', key: 'secret' };

/** Upgrade path of the WebSocket endpoint on the service's HTTP port (the one of /healthz and /metrics); an Ingress routes only it. */
export const WEBSOCKET_PATH = '/ws';

/** Key of the spec's websocket service, the one service that serves clients (and may have an Ingress). */
export const WEBSOCKET_SERVICE = 'websocket';
