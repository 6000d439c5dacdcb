// vendor.mjs copies the Swagger UI files the facade serves at /docs from
// node_modules into ../assets/swagger-ui, with their licence, and records
// where they came from. Run it (`npm ci && npm run vendor`) after changing the
// version in package.json; the copies are committed, so neither a build nor a
// fresh clone needs npm.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = 'swagger-ui-dist';
const src = new URL(`./node_modules/${pkg}/`, import.meta.url);
const dst = new URL('../assets/swagger-ui/', import.meta.url);
const files = [
  'swagger-ui-bundle.js',
  'swagger-ui-bundle.js.LICENSE.txt',
  'swagger-ui.css',
  'favicon-32x32.png',
  'LICENSE',
  'NOTICE',
];

const { version, license } = JSON.parse(readFileSync(new URL('package.json', src), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('./package-lock.json', import.meta.url), 'utf8'));
const locked = lock.packages[`node_modules/${pkg}`];
if (locked?.version !== version) {
  throw new Error(`${pkg} ${version} is installed but package-lock.json has ${locked?.version}: run npm ci`);
}

rmSync(dst, { recursive: true, force: true });
mkdirSync(dst, { recursive: true });
for (const f of files) copyFileSync(new URL(f, src), new URL(f, dst));
writeFileSync(new URL('VERSION', dst), `${version}\n`);
writeFileSync(new URL('README.md', dst), `# Swagger UI ${version}

Copied by \`docs/ui/vendor.mjs\` from the npm package \`${pkg}@${version}\`
(${locked.integrity}), unmodified. Licence: ${license} (\`LICENSE\`, \`NOTICE\`;
the licences of the libraries bundled into \`swagger-ui-bundle.js\` are in
\`swagger-ui-bundle.js.LICENSE.txt\`). Upstream: https://github.com/swagger-api/swagger-ui.

To update: change the version in \`docs/ui/package.json\`, then in \`docs/ui\` run
\`npm install && npm run vendor\`, and commit this directory with the lock file.
`);
console.log(`vendored ${pkg} ${version} into docs/assets/swagger-ui`);
