import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The project's root folder (where package.json lives), whether the code runs from
 * `src/` through tsx/ts-jest or from the compiled `dist/src/`.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'complaint-desk') return (cached = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the complaint-desk package.json above ${__dirname}`);
    dir = parent;
  }
}

/**
 * A file or folder shipped with the code (calendars, the default model): under the project root
 * when running from a checkout, else next to the compiled code (a deployment of `dist` alone,
 * where the build copied it; see tools/copy-assets.mjs).
 */
export function shippedAsset(relative: string): string {
  const inCheckout = path.join(projectRoot(), relative);
  if (fs.existsSync(inCheckout)) return inCheckout;
  // src/support/paths.ts → the project root; dist/src/support/paths.js → dist/
  return path.join(path.resolve(__dirname, '..', '..'), relative);
}
