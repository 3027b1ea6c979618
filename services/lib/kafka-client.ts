/**
 * @platformatic/kafka, loaded on first use instead of at import time.
 *
 * Importing the client costs a service about 48 MiB of resident memory (it
 * builds its option validators at load). A service in Dapr mode that does not
 * publish to Kafka itself never needs it: the sidecar talks to the broker.
 * Every library module imports only the client's types statically and gets
 * the module from here when it first connects (a consumer session, a
 * publisher's first send), so loading `services/lib` stays cheap.
 */
import type * as PlatformaticKafka from '@platformatic/kafka';

export type KafkaClientModule = typeof PlatformaticKafka;

let loading: Promise<KafkaClientModule> | undefined;
let loaded: KafkaClientModule | undefined;

/** Loads @platformatic/kafka (once) and resolves with it. */
export function loadKafkaClient(): Promise<KafkaClientModule> {
  loading ??= import('@platformatic/kafka').then((module) => (loaded = module));
  return loading;
}

/**
 * The loaded module, for synchronous code such as `createKafkaProducer`.
 * Throws when nothing has loaded it yet: await `loadKafkaClient()` first.
 */
export function kafkaClient(): KafkaClientModule {
  if (loaded === undefined) {
    throw new Error('@platformatic/kafka is not loaded yet (it loads on first use); await loadKafkaClient() before this call');
  }
  return loaded;
}

/** Whether this process has loaded the Kafka client (tests of lazy loading, diagnostics). */
export function kafkaClientLoaded(): boolean {
  return loaded !== undefined;
}
