import type { Construct } from 'constructs';
import type { IngressSpec, ServiceSpec } from '../../platform/index.js';
import { resource } from '../support/resource.js';

export interface ConsumerIngressProps {
  readonly service: ServiceSpec & { readonly ingress: IngressSpec };
  readonly namespace: string;
}

/**
 * The Ingress in front of the websocket service: browsers outside the cluster
 * reach its WebSocket path on the spec's host, nothing else of the pod (not
 * /metrics, not the health checks, not the Dapr delivery routes). The path is
 * matched exactly (`pathType: Exact`): the token travels in the query string,
 * which path matching ignores. Most controllers (ingress-nginx, Traefik,
 * HAProxy) pass WebSocket upgrades through without configuration; the
 * service pings every 30 s, inside ingress-nginx's default 60 s read timeout.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
export function consumerIngress(scope: Construct, id: string, props: ConsumerIngressProps): void {
  const { service, namespace } = props;
  const ingress = service.ingress;
  resource(scope, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    name: service.appId,
    namespace,
    component: 'consumer',
    ...(Object.keys(ingress.annotations).length > 0 ? { annotations: { ...ingress.annotations } } : {}),
    body: {
      spec: {
        ...(ingress.className ? { ingressClassName: ingress.className } : {}),
        ...(ingress.tlsSecret ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecret }] } : {}),
        rules: [
          {
            host: ingress.host,
            http: {
              paths: [
                {
                  path: ingress.path,
                  pathType: 'Exact',
                  backend: { service: { name: service.appId, port: { number: service.port } } },
                },
              ],
            },
          },
        ],
      },
    },
  });
}
