import { kafkaClient, kafkaClientLoaded, loadKafkaClient } from '../../../services/lib/kafka-client.js';
import { KafkaEventPublisher } from '../../../services/lib/kafka-publisher.js';
import { createLogger } from '../../../services/lib/logger.js';
import { runService } from '../../../services/lib/service.js';

const quiet = createLogger({ stream: { write: () => true } });

// Jest gives each test file its own module registry: nothing else has loaded the client in this one.
describe('the Kafka client module', () => {
  it('is not loaded by importing the library, nor by a Dapr-mode service, nor by a publisher that never sends', async () => {
    const service = await runService(
      { name: 'websocket', start: async () => ({ handle: async () => {} }) },
      { env: { KAFKA_MODE: 'dapr', PORT: '0', APP_API_TOKEN: 'sidecar-token' }, logger: quiet },
    );
    const unused = new KafkaEventPublisher(
      { bootstrapServers: ['127.0.0.1:1'], securityProtocol: 'PLAINTEXT', saslMechanism: 'SCRAM-SHA-512' },
      'unused',
    );
    await unused.close();
    await service.close();
    expect(kafkaClientLoaded()).toBe(false);
  });

  it('asks to be loaded first when synchronous code needs it before anything loaded it', () => {
    expect(() => kafkaClient()).toThrow(
      '@platformatic/kafka is not loaded yet (it loads on first use); await loadKafkaClient() before this call',
    );
  });

  it('loads once on demand and is then available synchronously', async () => {
    const [first, second] = await Promise.all([loadKafkaClient(), loadKafkaClient()]);
    expect(first).toBe(second);
    expect(kafkaClientLoaded()).toBe(true);
    expect(kafkaClient()).toBe(first);
    expect(typeof kafkaClient().Consumer).toBe('function');
  });
});
