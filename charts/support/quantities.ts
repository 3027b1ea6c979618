import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Resources } from '../../platform/index.js';

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const BYTES: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A CPU quantity of the spec (`50m`, `1`, `0.5`) as cdk8s-plus writes it back unchanged. */
export function cpu(quantity: string): kplus.Cpu {
  const match = CPU.exec(quantity);
  if (!match) throw new Error(`CPU quantity "${quantity}" is not supported; write millicores ("250m") or cores ("1", "0.5")`);
  return match[2] ? kplus.Cpu.millis(Number(match[1])) : kplus.Cpu.units(Number(match[1]));
}

/**
 * A memory quantity of the spec. cdk8s-plus writes memory in whole
 * mebibytes, so `1Gi` comes out as `1024Mi` (the same quantity); a size that
 * is not a whole number of mebibytes is refused rather than rounded.
 */
export function memory(quantity: string): Size {
  const match = MEMORY.exec(quantity);
  const mebibytes = match ? (Number(match[1]) * BYTES[match[2] ?? '']!) / BYTES.Mi! : NaN;
  if (!Number.isInteger(mebibytes) || mebibytes <= 0) {
    throw new Error(`memory quantity "${quantity}" is not a whole number of mebibytes; write it in Mi or Gi ("160Mi", "1Gi")`);
  }
  return Size.mebibytes(mebibytes);
}

/** Spec resources as cdk8s-plus container resources (replacing its 1 CPU / 512Mi defaults). */
export function containerResources(resources: Resources): kplus.ContainerResources {
  return {
    cpu: { request: cpu(resources.requests.cpu), limit: cpu(resources.limits.cpu) },
    memory: { request: memory(resources.requests.memory), limit: memory(resources.limits.memory) },
  };
}
