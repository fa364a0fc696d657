/**
 * Writes dialogs/messages/zh-TW.ts from zh-CN.ts with OpenCC (Simplified → Traditional, Taiwan
 * phrases): `npx tsx tools/gen-zh-tw-messages.ts`. Review the result; a test checks the two files
 * stay in step (same keys, no Simplified-only characters in zh-TW).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';

const dir = path.join(__dirname, '..', 'dialogs', 'messages');
const source = fs.readFileSync(path.join(dir, 'zh-CN.ts'), 'utf8');
const convert = OpenCC.Converter({ from: 'cn', to: 'twp' });
const header = '// Generated from zh-CN.ts by tools/gen-zh-tw-messages.ts (OpenCC cn → twp); edit zh-CN.ts and regenerate.\n';
/** Usage OpenCC does not change: Taiwan's corner quotes and a few words. */
const TAIWAN_USAGE: Array<[RegExp, string]> = [
  [/“/g, '「'],
  [/”/g, '」'],
  [/電子郵箱/g, '電子郵件'],
  [/郵箱/g, '電子郵件'],
  [/賬戶/g, '帳戶'],
];
let out = convert(source).replace('export const zhCN', 'export const zhTW');
for (const [from, to] of TAIWAN_USAGE) out = out.replace(from, to);
fs.writeFileSync(path.join(dir, 'zh-TW.ts'), header + out);
