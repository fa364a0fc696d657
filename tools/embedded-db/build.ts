/** `npm run db:build`: build (or reuse) the embedded FerretDB wrapper and print its path. */
import { ensureEmbeddedDbBinary } from '../../src/store/embedded-db';

try {
  console.log(ensureEmbeddedDbBinary());
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
