/**
 * The complaint taxonomy (DESIGN §2). The lists are the product's vocabulary; labels and
 * descriptions are data so a deployment can rename them without touching code.
 */

export const CATEGORIES = [
  'product_quality',
  'service_quality',
  'service_attitude',
  'billing',
  'after_sales',
  'contract',
  'safety',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['general', 'important', 'major'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const REMEDIES = ['refund', 'replace', 'repair', 'compensation', 'apology', 'other'] as const;
export type Remedy = (typeof REMEDIES)[number];

export const CHANNELS = ['api', 'webchat', 'directline', 'botframework', 'wechat', 'phone', 'email'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Label {
  zh: string;
  en: string;
}

export const CATEGORY_LABELS: Record<Category, Label & { description: string }> = {
  product_quality: { zh: '產品質量', en: 'Product quality', description: 'defects, malfunctions, not as described' },
  service_quality: { zh: '服務質量', en: 'Service quality', description: 'outages, slow response, technical errors, wrong records' },
  service_attitude: { zh: '服務態度', en: 'Service attitude', description: 'rude, dismissive or harassing staff' },
  billing: { zh: '資費/費用爭議', en: 'Billing', description: 'opaque prices, double charges, wrong bills, fees' },
  after_sales: { zh: '售後', en: 'After-sales', description: 'delivery, returns, refunds, repairs' },
  contract: { zh: '合同/業務辦理', en: 'Contract', description: 'breach, unkept promises, account or plan changes' },
  safety: { zh: '安全隱患', en: 'Safety', description: 'hazards to people or property' },
  other: { zh: '其他', en: 'Other', description: 'anything else' },
};

export const SEVERITY_LABELS: Record<Severity, Label> = {
  general: { zh: '一般', en: 'General' },
  important: { zh: '重要', en: 'Important' },
  major: { zh: '重大', en: 'Major' },
};

export const SEVERITY_RANK: Record<Severity, number> = { general: 0, important: 1, major: 2 };

/** The higher of two severities (rules may only raise severity). */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** One level up, capped at major. */
export function raiseSeverity(s: Severity): Severity {
  return s === 'general' ? 'important' : 'major';
}

export function isCategory(v: unknown): v is Category {
  return typeof v === 'string' && (CATEGORIES as readonly string[]).includes(v);
}

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}
