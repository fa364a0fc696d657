/** Every stored document of a database as text (change-feed bodies decoded), to search for values that must not be there. */
import type { Connection } from 'mongoose';
import { decodeFeedDoc, type StoredFeedDoc } from '../../src/store/mongo-change-feed';
import type { SequencedDoc } from '../../src/store/sequence-log';

export async function dumpCollection(conn: Connection, name: string): Promise<string> {
  const docs = await conn.collection(name).find({}).toArray();
  if (name !== 'change_feed') return JSON.stringify(docs);
  return JSON.stringify(docs.map((d) => (d.body ? decodeFeedDoc(d as unknown as StoredFeedDoc & SequencedDoc) : d)));
}

export async function dumpDatabase(conn: Connection): Promise<string> {
  const names = (await conn.db!.listCollections().toArray()).map((c) => c.name);
  return (await Promise.all(names.map((n) => dumpCollection(conn, n)))).join('\n');
}
