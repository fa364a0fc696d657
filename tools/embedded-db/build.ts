/** `npm run db:build`: build (or reuse) the embedded FerretDB wrapper and print its path. */
import { ensureEmbeddedDbBinary } from '../../src/store/embedded-db';

ensureEmbeddedDbBinary().then(
  (binary) => console.log(binary),
  (err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);
