/**
 * `npm run k8s:down`: stops the controller manager, API server and etcd that
 * `k8s:up` started (by their pids) and removes `.local/k8s` and
 * `.local/kubeconfig`. Idempotent: with nothing running it says so and exits 0.
 */
import '../../platform/require-node.cjs';
import { elapsed } from './log.js';
import { stopControlPlane } from './stop.js';

stopControlPlane()
  .then(({ controllerManager, apiserver, etcd }) =>
    console.log(
      `k8s:down done in ${elapsed()}: kube-controller-manager ${controllerManager}, kube-apiserver ${apiserver}, etcd ${etcd}; .local/k8s removed`,
    ),
  )
  .catch((err: Error) => {
    console.error(`k8s:down failed: ${err.message}`);
    process.exit(1);
  });
