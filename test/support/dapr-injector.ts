/**
 * What the Dapr 1.18 sidecar injector (a mutating admission webhook) does to a
 * pod, as plain data, so tests can hand the API server the pod Pod Security
 * admission really sees: admission runs after the mutating webhooks, on the
 * pod with daprd in it. There is no daprd or injector binary to run here
 * (../shared/NOTES.md §4), so this follows Dapr's source, function by function:
 *
 * - chart values → injector settings: the `dapr_sidecar_injector` Deployment
 *   passes `SIDECAR_RUN_AS_NON_ROOT`, `SIDECAR_READ_ONLY_ROOT_FILESYSTEM` and
 *   `SIDECAR_DROP_ALL_CAPABILITIES` as the strings `"{{ .Values.sidecar… }}"`
 *   (charts/dapr/charts/dapr_sidecar_injector/templates/
 *   dapr_sidecar_injector_deployment.yaml); pkg/injector/service/config.go
 *   parses the first two as true when empty or truthy (`isTruthyDefaultTrue`)
 *   and the third as true only when truthy (`kitutils.IsTruthy`);
 * - pod annotations → sidecar settings, with their defaults
 *   (pkg/injector/patcher/sidecar.go, the `annotation`/`default` tags of
 *   `SidecarConfig`); an unknown `dapr.io/` annotation throws rather than
 *   being silently ignored;
 * - the daprd container (pkg/injector/patcher/sidecar_container.go,
 *   `getSidecarContainer`): securityContext `allowPrivilegeEscalation: false`,
 *   `runAsNonRoot` and `readOnlyRootFilesystem` from the chart, `seccompProfile`
 *   only from the annotation `dapr.io/sidecar-seccomp-profile-type` (the 1.18.3
 *   chart has no value for it), `capabilities.drop: [ALL]` only with
 *   `sidecarDropALLCapabilities`; ports dapr-http 3500, dapr-grpc,
 *   dapr-internal, dapr-metrics; env (with `APP_API_TOKEN` / `DAPR_API_TOKEN`
 *   from key `token` of the `dapr.io/app-token-secret` / `api-token-secret`
 *   Secret); probes on the public port 3501;
 *   resources from the `dapr.io/sidecar-*` annotations;
 * - the pod patch (pkg/injector/patcher/sidecar_patcher.go, `GetPatch`;
 *   sidecar_volumes.go, `getTokenVolume`): the projected service-account token
 *   volume `dapr-identity-token` (audience Sentry's SPIFFE id, 7200 s, mounted
 *   read-only at /var/run/secrets/dapr.io/sentrytoken), daprd appended to
 *   the containers, the `dapr.io/*` pod labels, `DAPR_HTTP_PORT`,
 *   `DAPR_GRPC_PORT` and `APP_PROTOCOL` added to the app containers.
 *
 * Not emulated, as none of it bears on admission: the control-plane
 * scheduler address and its environment, trust anchors' real content, debug
 * mode, Unix sockets, pluggable components, `nativeSidecar` (refused below),
 * and a trust-bundle ConfigMap volume newer injectors may add (ConfigMap
 * volumes are allowed under `restricted` anyway).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DAPR_CHART_VERSION, DAPR_NAMESPACE } from '../../platform/index.js';

/** The chart's own values files (byte-identical copies of the release tag's, see their PROVENANCE.md). */
const CHART_VALUES = {
  dapr: new URL(`../../../shared/operators/dapr-${DAPR_CHART_VERSION}-dapr-values.yaml`, import.meta.url),
  injector: new URL(`../../../shared/operators/dapr-${DAPR_CHART_VERSION}-dapr_sidecar_injector-values.yaml`, import.meta.url),
};

type Values = Record<string, unknown>;
export type EnvVar = { name: string } & Record<string, unknown>;
export type Container = Record<string, unknown> & { name: string; env?: EnvVar[] };
export interface PodSpec {
  containers: Container[];
  volumes?: Record<string, unknown>[];
  serviceAccountName?: string;
  tolerations?: unknown[];
  [field: string]: unknown;
}
export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

/** What the injector is configured with: its Deployment's environment, parsed as config.go does. */
export interface InjectorConfig {
  readonly sidecarImage: string;
  readonly imagePullPolicy: string;
  readonly runAsNonRoot: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly dropAllCapabilities: boolean;
  readonly enableK8sDownwardAPIs: boolean;
  /** Where the control plane runs (the release namespace). */
  readonly controlPlaneNamespace: string;
  readonly controlPlaneTrustDomain: string;
  readonly kubeClusterDomain: string;
  readonly actorsEnabled: boolean;
}

const isObject = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isObject(base) || !isObject(override)) return override;
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merge(base[key], value);
  return out;
}

/** dapr/kit `IsTruthy`: y, yes, true, t, on, 1 (any case). */
export function isTruthy(value: string): boolean {
  return ['y', 'yes', 'true', 't', 'on', '1'].includes(value.trim().toLowerCase());
}

/** How Helm prints a value into `"{{ .Values.x }}"`. */
function helmString(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * The injector's settings for a release installed with `values` (the object
 * infra/operators.ts passes to Helm), over the chart's defaults: a subchart's
 * values are its values.yaml overridden by the parent's `<subchart>:` key,
 * and `global` is shared.
 */
export function injectorConfig(values: Values = {}): InjectorConfig {
  const parent = parse(readFileSync(CHART_VALUES.dapr, 'utf8')) as Values;
  const subchart = parse(readFileSync(CHART_VALUES.injector, 'utf8')) as Values;
  const global = merge(parent.global, values.global) as Values;
  const injector = merge(merge(subchart, parent.dapr_sidecar_injector), values.dapr_sidecar_injector) as Values;
  if (injector.nativeSidecar === true) throw new Error('nativeSidecar (daprd as a native sidecar init container) is not emulated');
  const env = {
    SIDECAR_RUN_AS_NON_ROOT: helmString(injector.sidecarRunAsNonRoot),
    SIDECAR_READ_ONLY_ROOT_FILESYSTEM: helmString(injector.sidecarReadOnlyRootFilesystem),
    SIDECAR_DROP_ALL_CAPABILITIES: helmString(injector.sidecarDropALLCapabilities),
  };
  const truthyDefaultTrue = (v: string) => v === '' || isTruthy(v);
  const image = (injector.image as Values).name as string;
  const mtls = global.mtls as Values;
  return {
    // The release's chart sets global.tag to its version; the git tag's values file says 'edge'.
    sidecarImage: image.includes('/') ? image : `${String(global.registry)}/${image}:${String(global.tag)}`,
    imagePullPolicy: helmString(injector.sidecarImagePullPolicy) || 'IfNotPresent',
    runAsNonRoot: truthyDefaultTrue(env.SIDECAR_RUN_AS_NON_ROOT),
    readOnlyRootFilesystem: truthyDefaultTrue(env.SIDECAR_READ_ONLY_ROOT_FILESYSTEM),
    dropAllCapabilities: isTruthy(env.SIDECAR_DROP_ALL_CAPABILITIES),
    enableK8sDownwardAPIs: injector.enableK8sDownwardAPIs === true,
    controlPlaneNamespace: DAPR_NAMESPACE,
    controlPlaneTrustDomain: String(mtls.controlPlaneTrustDomain),
    kubeClusterDomain: String(injector.kubeClusterDomain || 'cluster.local'),
    actorsEnabled: (global.actors as Values).enabled !== false,
  };
}

/** `SidecarConfig`'s annotations this emulation knows, with Dapr's defaults ('' when it has none). */
const ANNOTATION_DEFAULTS = {
  'dapr.io/enabled': '',
  'dapr.io/app-id': '',
  'dapr.io/app-port': '',
  'dapr.io/app-protocol': 'http',
  'dapr.io/config': '',
  'dapr.io/log-level': 'info',
  'dapr.io/log-as-json': '',
  'dapr.io/api-token-secret': '',
  'dapr.io/app-token-secret': '',
  'dapr.io/app-max-concurrency': '-1',
  'dapr.io/max-body-size': '',
  'dapr.io/read-buffer-size': '',
  'dapr.io/enable-metrics': 'true',
  'dapr.io/metrics-port': '9090',
  'dapr.io/grpc-port': '50001',
  'dapr.io/internal-grpc-port': '50002',
  'dapr.io/sidecar-listen-addresses': '[::1],127.0.0.1',
  'dapr.io/sidecar-cpu-request': '',
  'dapr.io/sidecar-cpu-limit': '',
  'dapr.io/sidecar-memory-request': '',
  'dapr.io/sidecar-memory-limit': '',
  'dapr.io/sidecar-seccomp-profile-type': '',
  'dapr.io/graceful-shutdown-seconds': '-1',
  'dapr.io/disable-builtin-k8s-secret-store': '',
  'dapr.io/enable-app-health-check': '',
  'dapr.io/app-health-check-path': '/healthz',
  'dapr.io/app-health-probe-interval': '5',
  'dapr.io/app-health-probe-timeout': '500',
  'dapr.io/app-health-threshold': '3',
  'dapr.io/sidecar-liveness-probe-delay-seconds': '3',
  'dapr.io/sidecar-liveness-probe-timeout-seconds': '3',
  'dapr.io/sidecar-liveness-probe-period-seconds': '6',
  'dapr.io/sidecar-liveness-probe-threshold': '3',
  'dapr.io/sidecar-readiness-probe-delay-seconds': '3',
  'dapr.io/sidecar-readiness-probe-timeout-seconds': '3',
  'dapr.io/sidecar-readiness-probe-period-seconds': '6',
  'dapr.io/sidecar-readiness-probe-threshold': '3',
} as const;
type AnnotationKey = keyof typeof ANNOTATION_DEFAULTS;

/** The sidecar's HTTP API port and its public (health) port: fixed `SidecarConfig` defaults. */
const SIDECAR_HTTP_PORT = 3500;
const SIDECAR_PUBLIC_PORT = 3501;
export const TOKEN_VOLUME = { name: 'dapr-identity-token', mountPath: '/var/run/secrets/dapr.io/sentrytoken' } as const;

function annotationsOf(pod: Pod): (key: AnnotationKey) => string {
  const annotations = pod.metadata.annotations ?? {};
  for (const key of Object.keys(annotations)) {
    if (key.startsWith('dapr.io/') && !(key in ANNOTATION_DEFAULTS)) {
      throw new Error(`annotation ${key} is not emulated; add it to ANNOTATION_DEFAULTS from pkg/injector/patcher/sidecar.go`);
    }
  }
  return (key) => annotations[key] ?? ANNOTATION_DEFAULTS[key];
}

const service = (name: string, port: number, config: InjectorConfig) =>
  `${name}.${config.controlPlaneNamespace}.svc.${config.kubeClusterDomain}:${port}`;

/** The daprd container `getSidecarContainer` builds for `pod`. */
export function sidecarContainer(pod: Pod, config: InjectorConfig): Container {
  const a = annotationsOf(pod);
  const appId = a('dapr.io/app-id') || pod.metadata.name;
  const grpcPort = Number(a('dapr.io/grpc-port'));
  const internalPort = Number(a('dapr.io/internal-grpc-port'));
  const metricsPort = Number(a('dapr.io/metrics-port'));
  const appPort = Number(a('dapr.io/app-port') || 0);
  const metrics = isTruthy(a('dapr.io/enable-metrics'));
  const args = [
    '/daprd',
    ...['--dapr-http-port', String(SIDECAR_HTTP_PORT), '--dapr-grpc-port', String(grpcPort)],
    ...['--dapr-internal-grpc-port', String(internalPort), '--dapr-listen-addresses', a('dapr.io/sidecar-listen-addresses')],
    ...['--dapr-public-port', String(SIDECAR_PUBLIC_PORT), '--app-id', appId, '--app-protocol', a('dapr.io/app-protocol')],
    ...['--log-level', a('dapr.io/log-level'), '--dapr-graceful-shutdown-seconds', a('dapr.io/graceful-shutdown-seconds')],
    ...['--mode', 'kubernetes', '--control-plane-address', service('dapr-api', 443, config)],
    ...['--sentry-address', service('dapr-sentry', 443, config)],
    ...(appPort > 0 ? ['--app-port', String(appPort)] : []),
    ...(Number(a('dapr.io/app-max-concurrency')) > 0 ? ['--app-max-concurrency', a('dapr.io/app-max-concurrency')] : []),
    ...(metrics ? ['--enable-metrics', '--metrics-port', String(metricsPort)] : []),
    ...(a('dapr.io/config') ? ['--config', a('dapr.io/config')] : []),
    ...(config.actorsEnabled ? ['--placement-host-address', service('dapr-placement-server', 50005, config)] : []),
    ...(isTruthy(a('dapr.io/disable-builtin-k8s-secret-store')) ? ['--disable-builtin-k8s-secret-store'] : []),
    ...(isTruthy(a('dapr.io/enable-app-health-check'))
      ? [
          ...['--enable-app-health-check', '--app-health-check-path', a('dapr.io/app-health-check-path')],
          ...['--app-health-probe-interval', a('dapr.io/app-health-probe-interval')],
          ...['--app-health-probe-timeout', a('dapr.io/app-health-probe-timeout')],
          ...['--app-health-threshold', a('dapr.io/app-health-threshold')],
        ]
      : []),
    ...(isTruthy(a('dapr.io/log-as-json')) ? ['--log-as-json'] : []),
    // mTLS is on unless the `daprsystem` Configuration turns it off (pod_patch.go, `mTLSEnabled`).
    '--enable-mtls',
    ...(a('dapr.io/max-body-size') ? ['--max-body-size', a('dapr.io/max-body-size')] : []),
    ...(a('dapr.io/read-buffer-size') ? ['--read-buffer-size', a('dapr.io/read-buffer-size')] : []),
  ];
  // Tokens come from key `token` of the named Secret, in the pod's namespace.
  const tokenEnv = (name: string, secret: string) =>
    secret ? [{ name, valueFrom: { secretKeyRef: { name: secret, key: 'token' } } }] : [];
  const securityContext: Record<string, unknown> = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: config.runAsNonRoot,
    readOnlyRootFilesystem: config.readOnlyRootFilesystem,
  };
  const seccomp = a('dapr.io/sidecar-seccomp-profile-type');
  if (seccomp) securityContext.seccompProfile = { type: seccomp };
  if (config.dropAllCapabilities) securityContext.capabilities = { drop: ['ALL'] };

  const probe = (kind: 'liveness' | 'readiness') => ({
    initialDelaySeconds: Number(a(`dapr.io/sidecar-${kind}-probe-delay-seconds`)),
    timeoutSeconds: Number(a(`dapr.io/sidecar-${kind}-probe-timeout-seconds`)),
    periodSeconds: Number(a(`dapr.io/sidecar-${kind}-probe-period-seconds`)),
    failureThreshold: Number(a(`dapr.io/sidecar-${kind}-probe-threshold`)),
  });
  const quantities = (cpu: string, memory: string) => ({ ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) });
  const requests = quantities(a('dapr.io/sidecar-cpu-request'), a('dapr.io/sidecar-memory-request'));
  const limits = quantities(a('dapr.io/sidecar-cpu-limit'), a('dapr.io/sidecar-memory-limit'));
  const hasResources = Object.keys(requests).length + Object.keys(limits).length > 0;

  return {
    name: 'daprd',
    image: config.sidecarImage,
    imagePullPolicy: config.imagePullPolicy,
    securityContext,
    ports: [
      { containerPort: SIDECAR_HTTP_PORT, name: 'dapr-http' },
      { containerPort: grpcPort, name: 'dapr-grpc' },
      { containerPort: internalPort, name: 'dapr-internal' },
      { containerPort: metricsPort, name: 'dapr-metrics' },
    ],
    args,
    env: [
      { name: 'NAMESPACE', value: pod.metadata.namespace },
      // The PEM of the control plane's trust anchors; its content does not matter here.
      { name: 'DAPR_TRUST_ANCHORS', value: '-----BEGIN CERTIFICATE-----\n(emulated)\n-----END CERTIFICATE-----\n' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'DAPR_CONTROLPLANE_NAMESPACE', value: config.controlPlaneNamespace },
      { name: 'DAPR_CONTROLPLANE_TRUST_DOMAIN', value: config.controlPlaneTrustDomain },
      ...(config.enableK8sDownwardAPIs ? [{ name: 'DAPR_HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] : []),
      ...tokenEnv('DAPR_API_TOKEN', a('dapr.io/api-token-secret')),
      ...tokenEnv('APP_API_TOKEN', a('dapr.io/app-token-secret')),
    ],
    volumeMounts: [{ name: TOKEN_VOLUME.name, mountPath: TOKEN_VOLUME.mountPath, readOnly: true }],
    readinessProbe: { httpGet: { path: '/v1.0/healthz', port: SIDECAR_PUBLIC_PORT }, ...probe('readiness') },
    livenessProbe: { tcpSocket: { port: SIDECAR_PUBLIC_PORT }, ...probe('liveness') },
    ...(hasResources
      ? { resources: { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) } }
      : {}),
  };
}

/**
 * `pod` as the injector leaves it: unchanged when `dapr.io/enabled` is not
 * truthy or a `daprd` container is already there (`NeedsPatching`).
 */
export function injectSidecar(pod: Pod, config: InjectorConfig): Pod {
  const a = annotationsOf(pod);
  if (!isTruthy(a('dapr.io/enabled')) || pod.spec.containers.some((c) => c.name === 'daprd')) return pod;
  const appId = a('dapr.io/app-id') || pod.metadata.name;
  const tokenVolume = {
    name: TOKEN_VOLUME.name,
    projected: {
      defaultMode: 420,
      sources: [
        {
          serviceAccountToken: {
            audience: `spiffe://${config.controlPlaneTrustDomain}/ns/${config.controlPlaneNamespace}/dapr-sentry`,
            expirationSeconds: 7200,
            path: 'token',
          },
        },
      ],
    },
  };
  const volumes = pod.spec.volumes ?? [];
  const appEnv = [
    { name: 'DAPR_HTTP_PORT', value: String(SIDECAR_HTTP_PORT) },
    { name: 'DAPR_GRPC_PORT', value: a('dapr.io/grpc-port') },
    { name: 'APP_PROTOCOL', value: a('dapr.io/app-protocol') },
  ];
  // Existing variables of the same name are kept (GetEnvPatchOperations).
  const withAppEnv = (c: Container): Container => {
    const env = c.env ?? [];
    return { ...c, env: [...env, ...appEnv.filter((e) => !env.some((x) => x.name === e.name))] };
  };
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      labels: {
        ...pod.metadata.labels,
        'dapr.io/sidecar-injected': 'true',
        'dapr.io/app-id': appId,
        'dapr.io/metrics-enabled': String(isTruthy(a('dapr.io/enable-metrics'))),
      },
    },
    spec: {
      ...pod.spec,
      volumes: volumes.some((v) => v.name === tokenVolume.name) ? volumes : [...volumes, tokenVolume],
      containers: [...pod.spec.containers.map(withAppEnv), sidecarContainer(pod, config)],
    },
  };
}
