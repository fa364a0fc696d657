/** JSON with object keys sorted and dates as ISO strings: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value));
}

function sortValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortValue);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof (obj as { toHexString?: unknown }).toHexString === 'function') return String(obj);
    return Object.fromEntries(
      Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort()
        .map((k) => [k, sortValue(obj[k])]),
    );
  }
  return value;
}
