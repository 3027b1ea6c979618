import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Resources } from '../../platform/index.js';

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+)(Mi|Gi|Ti)$/;

/** A CPU quantity of the spec (`50m`, `1`, `0.5`) as cdk8s-plus writes it back unchanged. */
export function cpu(quantity: string): kplus.Cpu {
  const match = CPU.exec(quantity);
  if (!match) throw new Error(`CPU quantity "${quantity}" is not supported; write millicores ("250m") or cores ("1", "0.5")`);
  return match[2] ? kplus.Cpu.millis(Number(match[1])) : kplus.Cpu.units(Number(match[1]));
}

/**
 * A memory quantity of the spec in binary units. cdk8s-plus writes memory in
 * mebibytes, so `1Gi` comes out as `1024Mi`: the same quantity.
 */
export function memory(quantity: string): Size {
  const match = MEMORY.exec(quantity);
  if (!match) throw new Error(`memory quantity "${quantity}" is not supported; write it in Mi, Gi or Ti ("160Mi", "1Gi")`);
  const amount = Number(match[1]);
  switch (match[2]) {
    case 'Gi':
      return Size.gibibytes(amount);
    case 'Ti':
      return Size.tebibytes(amount);
    default:
      return Size.mebibytes(amount);
  }
}

/** Spec resources as cdk8s-plus container resources (replacing its 1 CPU / 512Mi defaults). */
export function containerResources(resources: Resources): kplus.ContainerResources {
  return {
    cpu: { request: cpu(resources.requests.cpu), limit: cpu(resources.limits.cpu) },
    memory: { request: memory(resources.requests.memory), limit: memory(resources.limits.memory) },
  };
}
