import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { datasetHash, DatasetError, loadExamples, loadLabelMapping, parseCsv, parseExamplesCsv, parseLabelMapping } from '../../../src/nlp/dataset';
import { splitHoldout } from '../../../src/nlp/training';
import { stratifiedFolds, stratifiedSplit } from '../../../src/nlp/random';

describe('CSV loading', () => {
  it('when fields are quoted with commas, quotes and line breaks, then they are read whole (BOM and CRLF too)', () => {
    expect(parseCsv('\ufefftext,label\r\n"a, ""b""\nc",billing\r\nplain,other\n')).toEqual([
      ['text', 'label'],
      ['a, "b"\nc', 'billing'],
      ['plain', 'other'],
    ]);
  });

  it('when a quoted field is not closed, then a DatasetError says so', () => {
    expect(() => parseExamplesCsv('text,label\n"open,billing\n', 'bad.csv')).toThrow(/bad\.csv: Quote Not Closed/);
  });

  it('when the label column is missing, then the error names the file, the column and the expected header', () => {
    expect(() => parseExamplesCsv('text,category\nhello,billing\n', 'past.csv')).toThrow(
      new DatasetError('past.csv: missing column "label" (header: text,category); expected "text,label[,severity]"'),
    );
  });

  it('when labels are not categories and no mapping is given, then the error lists them and points to --labels', () => {
    const csv = 'text,label\na,refund request\nb,refund request\nc,billing\nd,spam\n';
    expect(() => parseExamplesCsv(csv, 'past.csv')).toThrow(/past\.csv: 2 labels are not a category: "refund request" \(2 rows\), "spam" \(1 row\)\..*--labels mapping\.json/);
  });

  it('when a mapping is given, then labels are mapped, null drops rows, and severities are mapped too', () => {
    const mapping = parseLabelMapping({ label: { 'Refund request': 'after_sales', spam: null }, severity: { P1: 'major' } });
    const loaded = parseExamplesCsv('text,label,severity\na,refund request,P1\nb,spam,\nc,billing,一般\n,billing,\n', 'past.csv', mapping);
    expect(loaded.examples.map((e) => [e.text, e.label, e.severity])).toEqual([
      ['a', 'after_sales', 'major'],
      ['c', 'billing', 'general'],
    ]);
    expect(loaded.droppedRows).toBe(1);
    expect(loaded.emptyRows).toBe(1);
  });

  it('when a mapping points to an unknown category, then it is refused', () => {
    expect(() => parseLabelMapping({ refund: 'refunds' }, 'map.json')).toThrow(/map\.json: "refund" maps to "refunds", which is not a category/);
  });

  it('when a severity is unknown, then the error says how to map it', () => {
    expect(() => parseExamplesCsv('text,label,severity\na,billing,urgent\n', 'x.csv')).toThrow(/unknown severity "urgent".*--labels/);
  });

  it('when files are read from disk, then loadExamples and loadLabelMapping work and name the file on errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlp-ds-'));
    fs.writeFileSync(path.join(dir, 'a.csv'), 'text,label\nhello,other\n');
    fs.writeFileSync(path.join(dir, 'm.json'), '{"x": "billing"}');
    expect(loadExamples(path.join(dir, 'a.csv')).examples).toEqual([{ text: 'hello', label: 'other', origin: 'a.csv:2' }]);
    expect(loadLabelMapping(path.join(dir, 'm.json')).label).toEqual({ x: 'billing' });
    expect(() => loadExamples(path.join(dir, 'missing.csv'))).toThrow(/missing\.csv: cannot read/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('data hash and splits', () => {
  const ex = [
    { text: 'a', label: 'billing' as const },
    { text: 'b', label: 'other' as const, severity: 'major' as const },
  ];

  it('when examples change (text, label, severity or order), then the data hash changes', () => {
    const h = datasetHash(ex);
    expect(datasetHash(ex)).toBe(h);
    expect(datasetHash([ex[1]!, ex[0]!])).not.toBe(h);
    expect(datasetHash([ex[0]!, { ...ex[1]!, severity: 'general' }])).not.toBe(h);
  });

  it('when rows are added, then every earlier example keeps its side of the held-out split', () => {
    const base = Array.from({ length: 200 }, (_, i) => ({ text: `complaint ${i}` }));
    const more = [...base, ...Array.from({ length: 50 }, (_, i) => ({ text: `new ${i}` }))];
    const h1 = new Set(splitHoldout(base, 'salt', 0.2).holdout.map((e) => e.text));
    const h2 = new Set(splitHoldout(more, 'salt', 0.2).holdout.map((e) => e.text));
    for (const e of base) expect(h2.has(e.text)).toBe(h1.has(e.text));
    expect(h1.size).toBeGreaterThan(20);
    expect(h1.size).toBeLessThan(60);
  });

  it('when a stratified split is made, then each label is halved and the split is reproducible', () => {
    const labels = [...Array(10).fill('a'), ...Array(4).fill('b'), 'c'];
    const s = stratifiedSplit(labels, 0.5, 42);
    expect(s.test.filter((i) => labels[i] === 'a')).toHaveLength(5);
    expect(s.test.filter((i) => labels[i] === 'b')).toHaveLength(2);
    expect(s.train).toContain(14);
    expect(stratifiedSplit(labels, 0.5, 42)).toEqual(s);
    expect(stratifiedFolds(labels, 5, 1).filter((f, i) => labels[i] === 'a' && f === 0)).toHaveLength(2);
  });
});
