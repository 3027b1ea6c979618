// The entry Pulumi's policy-pack runner loads (`main` in package.json). The runner `require()`s
// the pack and always registers its own ts-node, which cannot load native ESM TypeScript (the
// repository's platform/ modules); like `nodeargs: --import tsx` in Pulumi.yaml for the program,
// this registers tsx's ESM loader in the process and then imports index.ts, which constructs
// the PolicyPack. The runner awaits the promise exported here.
module.exports = import('tsx/esm/api').then(({ register }) => {
  register();
  return import('./index.ts');
});
