/**
 * npm run --silent classify [-- --model DIR]
 *
 * Reads JSON lines `{"text": "...", "isRepeat": false}` on stdin and writes one JSON line per input
 * line, in order: `{"category", "severity", "confidence", "highRisk", "reasons"}`, or `{"error": "..."}`
 * for a line that is not valid input (the other lines are still classified). Blank lines are skipped.
 * This is the stable interface for evaluating the model on your own data.
 */
import readline from 'node:readline';
import { ModelFileError } from '../../src/nlp/model-file';
import { loadModel, type TrainedClassifier } from '../../src/nlp/trained-classifier';
import { parseOptions, UsageError } from './cli-args';
import { DEFAULT_MODEL_DIR } from './paths';

const USAGE = 'usage: npm run --silent classify [-- --model DIR] < input.jsonl';

/** The answer for one input line (a JSON string without the newline). */
export function classifyLine(classifier: TrainedClassifier, line: string, lineNumber: number): string {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (e) {
    return JSON.stringify({ error: `line ${lineNumber}: invalid JSON: ${(e as Error).message}` });
  }
  if (typeof input !== 'object' || input === null || typeof (input as { text?: unknown }).text !== 'string') {
    return JSON.stringify({ error: `line ${lineNumber}: expected an object with a string "text"` });
  }
  const { text, isRepeat } = input as { text: string; isRepeat?: unknown };
  const c = classifier.classify(text, { isRepeat: isRepeat === true });
  return JSON.stringify({
    category: c.category,
    severity: c.severity,
    confidence: Math.round(c.confidence * 10_000) / 10_000,
    highRisk: c.highRisk,
    reasons: c.reasons,
  });
}

async function main(argv: string[]): Promise<void> {
  const args = parseOptions(argv, { model: { type: 'string' }, help: { type: 'boolean' } });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const classifier = loadModel(args.model ?? DEFAULT_MODEL_DIR);
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let buffer: string[] = [];
  let size = 0;
  let n = 0;
  const flush = async () => {
    if (!buffer.length) return;
    const chunk = buffer.join('');
    buffer = [];
    size = 0;
    if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  };
  for await (const line of rl) {
    n++;
    if (!line.trim()) continue;
    const out = classifyLine(classifier, line, n) + '\n';
    buffer.push(out);
    size += out.length;
    if (size >= 1 << 16) await flush();
  }
  await flush();
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`);
    else if (e instanceof ModelFileError) console.error(e.message);
    else console.error(e);
    process.exitCode = 1;
  });
}
