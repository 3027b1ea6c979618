import { platformFromConfig } from '../../platform/index.js';
import { chartObjects, findObject, manifestsOf } from './fixtures.js';

const withIngress = (ingress: Record<string, unknown>) => manifestsOf(platformFromConfig('dev', { services: { websocket: { ingress } } }));

describe('the websocket Ingress', () => {
  it('is rendered only when the stack asks for one', () => {
    const kinds = chartObjects(manifestsOf(platformFromConfig('dev', {})), 'services').map((o) => o.kind);
    expect(kinds).not.toContain('Ingress');
  });

  it('routes exactly the WebSocket path of the host to the service port, over TLS with the named certificate', () => {
    const manifests = withIngress({
      host: 'events.todo.example.com',
      className: 'nginx',
      tlsSecret: 'events-tls',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600' },
    });
    const ingress = findObject(manifests, 'Ingress', 'websocket-service');
    expect(ingress.metadata.namespace).toBe('todo');
    expect(ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['events.todo.example.com'], secretName: 'events-tls' }],
      rules: [
        {
          host: 'events.todo.example.com',
          http: {
            paths: [{ path: '/ws', pathType: 'Exact', backend: { service: { name: 'websocket-service', port: { number: 8080 } } } }],
          },
        },
      ],
    });
  });

  it("lets the ingress controller's namespace reach the service port, and nothing more", () => {
    const manifests = withIngress({ host: 'events.todo.example.com', controllerNamespace: 'traefik' });
    const policy = findObject(manifests, 'NetworkPolicy', 'websocket-service').spec as { ingress: unknown[] };
    expect(policy.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'todo' } }, podSelector: {} }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: {} }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
    const audit = findObject(manifests, 'NetworkPolicy', 'audit-service').spec as { ingress: unknown[] };
    expect(audit.ingress).toHaveLength(1);
  });

  it('is refused on a service that serves no clients, and without a host', () => {
    expect(() =>
      platformFromConfig('dev', { services: { audit: { ingress: { host: 'Audit.example.com' } }, websocket: { ingress: {} } } }),
    ).toThrow(
      [
        'stack dev has 3 problems:',
        '  - services.audit.ingress: "audit" serves no clients, only deliveries, health and metrics; remove it; only the websocket service may have an Ingress',
        '  - services.audit.ingress.host: "Audit.example.com" is not a DNS host name; write lower-case labels separated by dots, e.g. events.todo.example.com',
        '  - services.websocket.ingress.host: is missing; write the host name clients connect to, e.g. events.todo.example.com',
      ].join('\n'),
    );
  });
});
