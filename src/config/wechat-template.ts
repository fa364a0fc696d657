/**
 * A WeChat template message setting (`WECHAT_TEMPLATE_RESULT`, `WECHAT_TEMPLATE_SURVEY`): the
 * template's id, optionally followed by which of its fields gets what:
 *
 *   WECHAT_TEMPLATE_RESULT=Xy7…id                                  classic fields: first, keyword1–3, remark
 *   WECHAT_TEMPLATE_RESULT=Xy7…id:character_string1=number,thing2=status,time3=time
 *
 * Sources: `number` (the ticket number), `status` (what happened: "客服已回复", "已有处理结果"),
 * `title` (a heading), `hint` ("回复任意消息即可查看详情"), `time` (now), `text` (the start of the
 * message). A template's field names are on its page in the Official Account's console.
 */

export const TEMPLATE_SOURCES = ['number', 'status', 'title', 'hint', 'time', 'text'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

export interface TemplateSetting {
  id: string;
  fields: Array<{ field: string; source: TemplateSource }>;
}

/** The classic template layout (first line, three keywords, remark). */
export const CLASSIC_TEMPLATE_FIELDS: TemplateSetting['fields'] = [
  { field: 'first', source: 'title' },
  { field: 'keyword1', source: 'number' },
  { field: 'keyword2', source: 'status' },
  { field: 'keyword3', source: 'time' },
  { field: 'remark', source: 'hint' },
];

/** Parse a setting; throws with a message naming the bad part. */
export function parseTemplateSetting(value: string): TemplateSetting {
  const v = value.trim();
  const colon = v.indexOf(':');
  const id = colon < 0 ? v : v.slice(0, colon);
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(id)) throw new Error('must start with the template id (10–64 letters, digits, _ or -)');
  if (colon < 0) return { id, fields: CLASSIC_TEMPLATE_FIELDS };
  const fields = v
    .slice(colon + 1)
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const [field, source, ...rest] = part.split('=').map((s) => s.trim());
      if (rest.length || !field || !source) throw new Error(`"${part.slice(0, 40)}" is not field=source`);
      if (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(field)) throw new Error(`"${field.slice(0, 40)}" is not a template field name`);
      if (!(TEMPLATE_SOURCES as readonly string[]).includes(source)) throw new Error(`"${source.slice(0, 40)}" is not one of ${TEMPLATE_SOURCES.join(', ')}`);
      return { field, source: source as TemplateSource };
    });
  if (!fields.length) throw new Error('names no fields after the colon');
  if (new Set(fields.map((f) => f.field)).size !== fields.length) throw new Error('names a field twice');
  return { id, fields };
}
