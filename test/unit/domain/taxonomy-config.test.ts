import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyTaxonomyOverrides, DEFAULT_TAXONOMY, loadTaxonomy, TaxonomyFileError } from '../../../src/domain/taxonomy-config';

describe('taxonomy as configuration', () => {
  it('when no file is given, then the DESIGN defaults apply', () => {
    expect(loadTaxonomy()).toBe(DEFAULT_TAXONOMY);
    expect(loadTaxonomy().categories.billing.zh).toBe('資費/費用爭議');
  });

  it('when a file renames a category and a severity, then only those words change', () => {
    const t = applyTaxonomyOverrides({ categories: { billing: { zh: '收费争议', description: 'charges' } }, severities: { major: { en: 'Critical' } } });
    expect(t.categories.billing).toEqual({ zh: '收费争议', en: 'Billing', description: 'charges' });
    expect(t.severities.major).toEqual({ zh: '重大', en: 'Critical' });
    expect(t.categories.safety).toEqual(DEFAULT_TAXONOMY.categories.safety);
    expect(DEFAULT_TAXONOMY.categories.billing.zh).toBe('資費/費用爭議');
  });

  it('when a file names an unknown category or field, then the error names it and lists the valid ids', () => {
    expect(() => applyTaxonomyOverrides({ categories: { shipping: { en: 'Shipping' } } })).toThrow(/categories.*shipping|shipping.*categories/);
    expect(() => applyTaxonomyOverrides({ categories: { billing: { fr: 'Facturation' } } })).toThrow(/unknown fr/);
    expect(() => applyTaxonomyOverrides({ colours: {} })).toThrow(TaxonomyFileError);
  });

  it('when the file is not JSON, then the error names the file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tx-')), 'taxonomy.json');
    fs.writeFileSync(file, '{ not json');
    expect(() => loadTaxonomy(file)).toThrow(new RegExp(`TAXONOMY_FILE ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read it as JSON`));
  });
});
