/**
 * The Dapr app API token: the shared secret the sidecar sends with every call
 * it makes to the app (header `dapr-api-token`), so the app can refuse
 * deliveries that do not come from its sidecar. One generated Secret per
 * environment, in the apps namespace, read by two containers of every
 * Dapr-mode pod:
 *
 * - daprd, through the pod annotation `dapr.io/app-token-secret: <name>`: the
 *   injector adds `APP_API_TOKEN` to the sidecar from key `token` of that
 *   Secret, as a `secretKeyRef`, which Kubernetes resolves in the pod's own
 *   namespace only (dapr/dapr pkg/injector/patcher/sidecar_container.go:
 *   `SecretKeySelector{Key: "token", LocalObjectReference{Name: c.AppTokenSecret}}`;
 *   Dapr's docs: "the above secret needs to be created in each namespace in
 *   which you want to enable app token authentication");
 * - the app, through the service's `secretEnv` (derived for every Dapr-mode
 *   service in resolve.ts), as `APP_API_TOKEN`, the name Dapr's SDKs read.
 *
 * daprd sets the header on every app-channel request built by
 * `constructRequest` (pub/sub deliveries, `GET /dapr/subscribe`) from
 * `security.GetAppToken()` (dapr/dapr pkg/channel/http/http_channel.go), but
 * not on its app health probes (`HealthProbe`), which is one more reason
 * `/healthz` and `/readyz` stay open.
 * @see https://docs.dapr.io/operations/security/app-api-token/
 */
import type { SecretKeyRef } from './secret-refs.js';

/** Environment variable the app (and, from the annotation, daprd) reads the token from. */
export const DAPR_APP_TOKEN_ENV = 'APP_API_TOKEN';

/** Header daprd sends the token in (dapr/dapr pkg/security/consts `APITokenHeader`). */
export const DAPR_APP_TOKEN_HEADER = 'dapr-api-token';

/** The Secret (apps namespace) holding the token; daprd reads key `token`, a name fixed by the injector. */
export const DAPR_APP_TOKEN_SECRET: SecretKeyRef = { name: 'dapr-app-api-token', key: 'token' };
