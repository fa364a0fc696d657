/**
 * The taxonomy's words as configuration: a deployment may rename and describe categories and
 * severities (Chinese and English) in a JSON file named by TAXONOMY_FILE. The ids themselves are
 * fixed, since the classifier and the rules are trained and written for them.
 *
 *   { "categories": { "billing": { "zh": "收费争议", "en": "Charges" } },
 *     "severities": { "major": { "en": "Critical" } } }
 */
import fs from 'node:fs';
import { z } from 'zod';
import { CATEGORIES, CATEGORY_LABELS, SEVERITIES, SEVERITY_LABELS, type Category, type Label, type Severity } from './taxonomy';

export interface Taxonomy {
  categories: Record<Category, Label & { description: string }>;
  severities: Record<Severity, Label>;
}

export const DEFAULT_TAXONOMY: Taxonomy = { categories: CATEGORY_LABELS, severities: SEVERITY_LABELS };

const text = z.string().trim().min(1).max(100);
const labelPatch = z.object({ zh: text.optional(), en: text.optional() }).strict();
const fileSchema = z
  .object({
    categories: z.partialRecord(z.enum(CATEGORIES), labelPatch.extend({ description: z.string().trim().min(1).max(300).optional() }).strict()).optional(),
    severities: z.partialRecord(z.enum(SEVERITIES), labelPatch).optional(),
  })
  .strict();

export class TaxonomyFileError extends Error {
  override readonly name = 'TaxonomyFileError';
}

export function applyTaxonomyOverrides(data: unknown, source = 'taxonomy'): Taxonomy {
  const r = fileSchema.safeParse(data);
  if (!r.success) {
    const problems = r.error.issues.map((i) => {
      const where = i.path.join('.') || '(top level)';
      const detail = i.code === 'unrecognized_keys' ? `unknown ${i.keys.join(', ')}` : i.message;
      return `${where}: ${detail}`;
    });
    throw new TaxonomyFileError(`${source}: ${problems.join('; ')} (categories are ${CATEGORIES.join(', ')}; severities ${SEVERITIES.join(', ')})`);
  }
  const categories = { ...DEFAULT_TAXONOMY.categories };
  for (const [id, patch] of Object.entries(r.data.categories ?? {}) as Array<[Category, Partial<Label & { description: string }>]>) {
    categories[id] = { ...categories[id], ...patch };
  }
  const severities = { ...DEFAULT_TAXONOMY.severities };
  for (const [id, patch] of Object.entries(r.data.severities ?? {}) as Array<[Severity, Partial<Label>]>) {
    severities[id] = { ...severities[id], ...patch };
  }
  return { categories, severities };
}

export function loadTaxonomy(file?: string): Taxonomy {
  if (!file) return DEFAULT_TAXONOMY;
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TaxonomyFileError(`TAXONOMY_FILE ${file}: cannot read it as JSON (${(err as Error).message})`);
  }
  return applyTaxonomyOverrides(data, `TAXONOMY_FILE ${file}`);
}
