/**
 * Labelled examples from CSV files (`text,label[,severity]`, extra columns ignored), with an optional
 * label mapping for a deployment's own label names, and the data hash a model records.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { CATEGORIES, type Category, isCategory, isSeverity, SEVERITIES, type Severity } from '../domain/taxonomy';

export interface Example {
  text: string;
  label: Category;
  severity?: Severity;
  /** Where the example comes from, e.g. `past.csv:17` or `feedback`. */
  origin?: string;
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

/**
 * Maps a deployment's label and severity names onto the taxonomy. `null` drops the rows with that
 * label. File shape: `{"refund request": "after_sales", "spam": null}` (labels only) or
 * `{"label": {...}, "severity": {"P1": "major"}}`.
 */
export interface LabelMapping {
  label: Record<string, Category | null>;
  severity: Record<string, Severity | null>;
}

const BUILT_IN_SEVERITY: Readonly<Record<string, Severity>> = { 一般: 'general', 重要: 'important', 重大: 'major' };

export function parseLabelMapping(json: unknown, source = 'label mapping'): LabelMapping {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new DatasetError(`${source}: expected a JSON object`);
  const obj = json as Record<string, unknown>;
  const nested = typeof obj.label === 'object' && obj.label !== null;
  const labels = (nested ? obj.label : obj) as Record<string, unknown>;
  const severities = (nested && typeof obj.severity === 'object' && obj.severity !== null ? obj.severity : {}) as Record<string, unknown>;
  const out: LabelMapping = { label: {}, severity: {} };
  for (const [from, to] of Object.entries(labels)) {
    if (to !== null && !isCategory(to)) throw new DatasetError(`${source}: "${from}" maps to "${String(to)}", which is not a category (${CATEGORIES.join(', ')}) or null`);
    out.label[from.trim().toLowerCase()] = to;
  }
  for (const [from, to] of Object.entries(severities)) {
    if (to !== null && !isSeverity(to)) throw new DatasetError(`${source}: severity "${from}" maps to "${String(to)}", which is not a severity (${SEVERITIES.join(', ')}) or null`);
    out.severity[from.trim().toLowerCase()] = to;
  }
  return out;
}

export function loadLabelMapping(file: string): LabelMapping {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DatasetError(`${file}: cannot read the label mapping: ${(e as Error).message}`);
  }
  return parseLabelMapping(json, file);
}

/**
 * RFC 4180 CSV through csv-parse: quoted fields may hold commas, quotes ("") and line breaks; CRLF,
 * LF or CR line ends; BOM ignored; blank lines skipped; rows may have fewer or more fields.
 */
export function parseCsv(content: string): string[][] {
  try {
    return parse(content, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new DatasetError((e as Error).message);
  }
}

export interface LoadedDataset {
  examples: Example[];
  /** Rows skipped because their text was empty. */
  emptyRows: number;
  /** Rows dropped by a `null` in the label mapping. */
  droppedRows: number;
}

/** Parse CSV content into examples; every problem becomes a DatasetError naming the source. */
export function parseExamplesCsv(content: string, source: string, mapping?: LabelMapping): LoadedDataset {
  let rows: string[][];
  try {
    rows = parseCsv(content);
  } catch (e) {
    throw new DatasetError(`${source}: ${(e as Error).message}`);
  }
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  if (!header) throw new DatasetError(`${source}: the file is empty; expected a header line "text,label[,severity]"`);
  const col = (name: string) => header.indexOf(name);
  const missing = ['text', 'label'].filter((c) => col(c) < 0);
  if (missing.length) {
    throw new DatasetError(`${source}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(' and ')} (header: ${header.join(',')}); expected "text,label[,severity]"`);
  }
  const iText = col('text');
  const iLabel = col('label');
  const iSeverity = col('severity');
  const examples: Example[] = [];
  const unknownLabels = new Map<string, number>();
  const unknownSeverities = new Map<string, number>();
  let emptyRows = 0;
  let droppedRows = 0;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] as string[];
    const text = (row[iText] ?? '').trim();
    if (!text) {
      emptyRows++;
      continue;
    }
    const rawLabel = (row[iLabel] ?? '').trim();
    const key = rawLabel.toLowerCase();
    let label: Category | null | undefined;
    if (mapping && key in mapping.label) label = mapping.label[key];
    else if (isCategory(key)) label = key;
    if (label === null) {
      droppedRows++;
      continue;
    }
    if (label === undefined) {
      unknownLabels.set(rawLabel || '(empty)', (unknownLabels.get(rawLabel || '(empty)') ?? 0) + 1);
      continue;
    }
    let severity: Severity | undefined;
    const rawSeverity = iSeverity >= 0 ? (row[iSeverity] ?? '').trim() : '';
    if (rawSeverity) {
      const sk = rawSeverity.toLowerCase();
      const mapped = mapping && sk in mapping.severity ? mapping.severity[sk] : isSeverity(sk) ? sk : BUILT_IN_SEVERITY[rawSeverity];
      if (mapped === undefined) unknownSeverities.set(rawSeverity, (unknownSeverities.get(rawSeverity) ?? 0) + 1);
      else if (mapped !== null) severity = mapped;
    }
    examples.push({ text, label, ...(severity ? { severity } : {}), origin: `${path.basename(source)}:${r + 1}` });
  }
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([k, n]) => `"${k}" (${n} row${n > 1 ? 's' : ''})`)
      .join(', ');
  if (unknownLabels.size) {
    throw new DatasetError(
      `${source}: ${unknownLabels.size} label${unknownLabels.size > 1 ? 's are' : ' is'} not a category: ${list(unknownLabels)}. ` +
        `Categories are ${CATEGORIES.join(', ')}; map other names with --labels mapping.json, e.g. {"${[...unknownLabels.keys()][0]}": "other"} (null drops the rows).`,
    );
  }
  if (unknownSeverities.size) {
    throw new DatasetError(
      `${source}: unknown severit${unknownSeverities.size > 1 ? 'ies' : 'y'} ${list(unknownSeverities)}. ` +
        `Severities are ${SEVERITIES.join(', ')} (or 一般/重要/重大); map others with {"severity": {...}} in --labels mapping.json, or leave the cell empty.`,
    );
  }
  return { examples, emptyRows, droppedRows };
}

export function loadExamples(file: string, mapping?: LabelMapping): LoadedDataset {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DatasetError(`${file}: cannot read: ${(e as Error).message}`);
  }
  return parseExamplesCsv(content, file, mapping);
}

/** SHA-256 over the examples (text, label, severity, in order): the model's `dataHash`. */
export function datasetHash(examples: readonly Example[]): string {
  const h = createHash('sha256');
  for (const e of examples) h.update(`${e.text}\u0000${e.label}\u0000${e.severity ?? ''}\n`);
  return h.digest('hex');
}

/** A stable per-text hash in [0, 1): used for held-out splits that survive edits to the data. */
export function textBucket(text: string, salt: string): number {
  const d = createHash('sha256').update(`${salt}\u0000${text}`).digest();
  return d.readUInt32BE(0) / 4294967296;
}
