import { runProgram } from './harness.js';
test('x', async () => {
  const run = await runProgram('dev', { secrets: { databaseUrl: 'postgres://a:b@c:5432/d' } });
  console.log(run.error, run.resources.filter((r) => r.type.startsWith('pulumi:')).map((r) => [r.type, r.name, r.read, JSON.stringify(r.inputs)]));
  console.log(Object.keys(run.outputs));
});
