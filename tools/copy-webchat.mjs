// Part of `npm run build` (after tools/copy-assets.mjs, which copies the widget's own files): copies
// Web Chat's self-contained browser bundle from the botframework-webchat devDependency into
// dist/public/webchat/, where the service serves it (GET /webchat/webchat.js), so a production install
// (`npm ci --omit=dev`) needs no Web Chat package.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const target = path.join(root, 'dist', 'public', 'webchat');
// The package's "exports" do not expose dist/, so the file is found by its path.
const source = path.join(root, 'node_modules', 'botframework-webchat', 'dist', 'webchat.js');
if (!fs.existsSync(source)) {
  if (fs.existsSync(path.join(target, 'webchat.js'))) {
    console.log('botframework-webchat is not installed; keeping the Web Chat bundle already in dist/public/webchat');
    process.exit(0);
  }
  console.error('Cannot find botframework-webchat/dist/webchat.js: run `npm ci` (it is a devDependency) before `npm run build`.');
  process.exit(1);
}
fs.mkdirSync(target, { recursive: true });
fs.copyFileSync(source, path.join(target, 'webchat.js'));
const license = `${source}.LICENSE.txt`;
if (fs.existsSync(license)) fs.copyFileSync(license, path.join(target, 'webchat.js.LICENSE.txt'));
console.log(`Web Chat bundle copied to ${path.relative(root, target)}/webchat.js`);
