// Part of `npm run build`: copies what the compiled service reads from files next to its code, so
// that `dist` deployed alone (with package.json and node_modules) works — the holiday calendars,
// the default classifier model, the widget's script and demo page, the dashboard's page. (tsc copies
// the JSON files that code imports; these are read.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const copies = [
  ['src/sla/calendars', 'dist/src/sla/calendars'],
  ['nlp-models/default', 'dist/nlp-models/default'],
  ['channels/widget/assets', 'dist/channels/widget/assets'],
  ['src/server/dashboard', 'dist/src/server/dashboard'],
];
for (const [from, to] of copies) {
  fs.rmSync(path.join(root, to), { recursive: true, force: true });
  fs.cpSync(path.join(root, from), path.join(root, to), { recursive: true });
}
