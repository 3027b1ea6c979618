import { describeConfig, loadServiceConfig, redactUrl } from '../../../services/lib/config.js';
import { EnvReader } from '../../../services/lib/env-reader.js';
import { ServiceConfigError } from '../../../services/lib/errors.js';

const broker = {
  KAFKA_BOOTSTRAP_SERVERS: 'broker-0:9093',
  KAFKA_USERNAME: 'audit-service',
  KAFKA_PASSWORD: 's3cret',
  DATABASE_URL: 'postgres://audit:pw@db:5432/todo',
};

describe('secrets read from the environment', () => {
  it.each([
    ['KAFKA_PASSWORD', 's3cret\n'],
    ['KAFKA_PASSWORD', 's3cret\r\n'],
    ['DATABASE_URL', 'postgres://audit:pw@db:5432/todo\n'],
  ])('refuse %s with a trailing newline (kubectl create secret --from-file), naming the fix and never the value', (name, value) => {
    let error: ServiceConfigError | undefined;
    try {
      loadServiceConfig('audit', { ...broker, [name]: value });
    } catch (e) {
      error = e as ServiceConfigError;
    }
    expect(error).toBeInstanceOf(ServiceConfigError);
    expect(error!.problems).toEqual([
      `${name}: ends with a line break (${value.length} characters; the value is not shown). A Secret created with kubectl create secret --from-file keeps the file's last newline: recreate it from a file without one (printf '%s' "$VALUE" > file) or with --from-literal`,
    ]);
    expect(error!.message).not.toContain(value.trim());
  });

  it('refuse a secret with a leading or trailing space too', () => {
    const read = new EnvReader({ TOKEN: ' key' });
    expect(read.secret('TOKEN')).toBeUndefined();
    expect(read.problems[0]).toMatch(/^TOKEN: starts or ends with whitespace \(4 characters; the value is not shown\)/);
  });

  it('take a secret byte for byte otherwise', () => {
    expect(new EnvReader({ TOKEN: 'a b\tc' }).secret('TOKEN')).toBe('a b\tc');
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgres://todo:secret@db:5432/todo', 'postgres://todo:***@db:5432/todo'],
    ['postgres://todo@db:5432/todo?password=secret&sslmode=require', 'postgres://todo@db:5432/todo?password=***&sslmode=require'],
    ['postgresql://db/todo?user=todo&PASSWORD=secret', 'postgresql://db/todo?user=todo&PASSWORD=***'],
    ['postgres://todo:a@db/todo?sslpassword=key-pass', 'postgres://todo:***@db/todo?sslpassword=***'],
  ])('hides the password of %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('is what the start-up line logs: no password in userinfo or query', () => {
    const config = loadServiceConfig('audit', { ...broker, DATABASE_URL: 'postgres://audit:pw1@db:5432/todo?password=pw2' });
    const logged = JSON.stringify(describeConfig(config));
    expect(logged).not.toMatch(/pw1|pw2|s3cret/);
  });
});
