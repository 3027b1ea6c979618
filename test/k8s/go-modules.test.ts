import { etcdGoMod, kubernetesGoMod, kubernetesLdflags, stagingModules } from '../../scripts/k8s/go-modules.js';
import { CONTROL_PLANE, stagingVersion } from '../../scripts/k8s/versions.js';

/** The shape of k8s.io/kubernetes's go.mod: a replace block pointing staging modules at ./staging/src. */
const KUBERNETES_GO_MOD = `module k8s.io/kubernetes

go 1.24.0

require (
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/pod-security-admission => ./staging/src/k8s.io/pod-security-admission
)
`;

describe('the Go modules that build the control plane', () => {
  it('replace every staging module of k8s.io/kubernetes with its published v0 tag', () => {
    const staging = stagingModules(KUBERNETES_GO_MOD);
    expect(staging).toEqual(['k8s.io/api', 'k8s.io/client-go', 'k8s.io/pod-security-admission']);
    const goMod = kubernetesGoMod({ ...CONTROL_PLANE, kubernetes: 'v1.34.4' }, staging);
    expect(goMod).toContain('require k8s.io/kubernetes v1.34.4\n');
    expect(goMod).toContain('\tk8s.io/pod-security-admission => k8s.io/pod-security-admission v0.34.4\n');
  });

  it('refuse a kubernetes go.mod without staging replaces, instead of building a module that cannot resolve', () => {
    expect(() => stagingModules('module k8s.io/kubernetes\n')).toThrow('replaces no k8s.io module with ./staging/');
  });

  it('stamp the version the binaries report, which a module build would leave at v0.0.0', () => {
    expect(kubernetesLdflags('v1.34.4')).toBe(
      '-X k8s.io/component-base/version.gitVersion=v1.34.4 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34',
    );
    expect(stagingVersion('v1.34.4')).toBe('v0.34.4');
  });

  it('build etcd from its server module at the pinned release', () => {
    expect(etcdGoMod(CONTROL_PLANE)).toContain(`require go.etcd.io/etcd/server/v3 ${CONTROL_PLANE.etcd}\n`);
  });
});
