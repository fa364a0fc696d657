import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy-config';
import { escapeMrkdwn, quoteCustomerText, truncate, unescapeSlack } from '../../../channels/slack/blocks/mrkdwn';
import { createSlackText } from '../../../channels/slack/slack-text';
import { readReply } from '../../../channels/slack/handlers/thread-relay';
import { parseAmount } from '../../../channels/slack/handlers/modal-submissions';
import { parseStatsArgs } from '../../../channels/slack/handlers/complaints-command';
import { loadRouting, routeOf, RoutingFileError } from '../../../channels/slack/routing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('mrkdwn', () => {
  it('when customer text holds Slack markup, then it is escaped so nobody is pinged and no link is faked', () => {
    expect(escapeMrkdwn('<!channel> <@U123> <https://x|y> & co')).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;https://x|y&gt; &amp; co');
    expect(unescapeSlack('&gt;&gt; a &amp; b &lt;c&gt;')).toBe('>> a & b <c>');
    expect(quoteCustomerText('line one\n<!here>', 100).text).toBe('>line one\n>&lt;!here&gt;');
  });

  it('when text is too long, then it is cut on code points and marked', () => {
    expect(truncate('投诉'.repeat(10), 5)).toEqual({ text: '投诉投诉…', cut: true });
    expect(truncate('short', 10)).toEqual({ text: 'short', cut: false });
  });
});

describe('languages', () => {
  it('when the app speaks zh-TW, then fixed text is converted and the arguments pass through unchanged', () => {
    const tw = createSlackText('zh-TW', DEFAULT_TAXONOMY, 'Asia/Shanghai');
    expect(tw.m.reply.alreadyClaimed('2026000001', '<@U1>')).toBe('投訴單 2026000001 已被 <@U1> 認領。');
    // Customer text in Simplified stays as the customer wrote it.
    expect(tw.m.reply.refused('2026000001', '这个说明是简体')).toBe('投訴單 2026000001：这个说明是简体');
    expect(tw.category('product_quality')).toBe('產品質量');
    const cn = createSlackText('zh-CN', DEFAULT_TAXONOMY, 'Asia/Shanghai');
    expect(cn.category('product_quality')).toBe('产品质量');
    expect(cn.severity('major')).toBe('重大');
    const en = createSlackText('en', DEFAULT_TAXONOMY, 'Asia/Shanghai');
    expect(en.category('billing')).toBe('Billing');
  });
});

describe('thread replies', () => {
  const internal = { threadDefault: 'internal' as const, sendPrefix: '>>', notePrefix: '//' };
  it('when replies are internal by default, then only the send prefix sends (as Slack escapes it too)', () => {
    expect(readReply('&gt;&gt; Hello', internal)).toEqual({ toCustomer: true, text: 'Hello' });
    expect(readReply('>>Hello', internal)).toEqual({ toCustomer: true, text: 'Hello' });
    expect(readReply('Note: check first', internal)).toEqual({ toCustomer: false, text: 'Note: check first' });
    expect(readReply('&gt; quoted', internal).toCustomer).toBe(false);
  });
  it('when the default is customer, then the note prefix keeps a reply internal', () => {
    const customer = { ...internal, threadDefault: 'customer' as const };
    expect(readReply('Hello', customer)).toEqual({ toCustomer: true, text: 'Hello' });
    expect(readReply('// just us', customer)).toEqual({ toCustomer: false, text: 'just us' });
  });
});

describe('modal values', () => {
  it('when an amount is typed, then only 0 … 10,000,000 with two decimals passes', () => {
    expect(parseAmount('')).toBeNull();
    expect(parseAmount('199.5')).toBe(199.5);
    expect(parseAmount('¥1,299.00')).toBe(1299);
    expect(parseAmount('-5')).toBeUndefined();
    expect(parseAmount('1.234')).toBeUndefined();
    expect(parseAmount('20000000')).toBeUndefined();
    expect(parseAmount('1e3')).toBeUndefined();
  });
});

describe('stats periods', () => {
  const now = new Date('2026-05-20T10:00:00+08:00');
  it('when a period is named, then it is computed in the desk time zone as whole local days', () => {
    const month = parseStatsArgs(['2026-02', 'by', 'agent'], now, 'Asia/Shanghai')!;
    expect(month.by).toBe('agent');
    expect(month.range).toEqual({ from: '2026-02-01', to: '2026-02-28', label: '2026-02' });
    expect(parseStatsArgs(['today'], now, 'Asia/Shanghai')!.range.from).toBe('2026-05-20');
    // 02:00 in Shanghai is still the previous day in UTC: the desk's day counts.
    expect(parseStatsArgs(['today'], new Date('2026-05-20T02:00:00+08:00'), 'Asia/Shanghai')!.range.from).toBe('2026-05-20');
    expect(parseStatsArgs(['quarter'], now, 'Asia/Shanghai')!.range).toMatchObject({ from: '2026-04-01', to: '2026-06-30' });
    expect(parseStatsArgs(['2026Q1', 'by', 'product'], now, 'Asia/Shanghai')).toMatchObject({ by: 'product', range: { from: '2026-01-01', to: '2026-03-31' } });
    expect(parseStatsArgs([], now, 'Asia/Shanghai')!.range.label).toBe('2026-05');
    const range = parseStatsArgs(['2026-05-01..2026-05-03'], now, 'Asia/Shanghai')!;
    expect(range.label).toEqual(['2026-05-01', '2026-05-03']);
  });
  it('when the arguments are wrong, then nothing is guessed', () => {
    for (const args of [['someday'], ['by', 'colour'], ['2026-13'], ['2026Q5'], ['2026-05-03..2026-05-01'], ['week', 'month']]) expect(parseStatsArgs(args, now, 'Asia/Shanghai')).toBeNull();
  });
});

describe('routing file', () => {
  const write = (content: string) => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'route-')), 'r.json');
    fs.writeFileSync(f, content);
    return f;
  };
  it('when routes match, then the first match wins and the default catches the rest', () => {
    const r = loadRouting({ file: write(JSON.stringify({ default: 'C0DEFAULT', routes: [{ category: ['billing'], channel: 'C0BILL' }, { severity: 'major', channel: 'C0MAJOR' }] })) });
    expect(routeOf(r, { category: 'billing', severity: 'major' })).toBe('C0BILL');
    expect(routeOf(r, { category: 'safety', severity: 'major' })).toBe('C0MAJOR');
    expect(routeOf(r, { category: 'safety', severity: 'general' })).toBe('C0DEFAULT');
  });
  it('when the file is wrong, then start-up says where in one line', () => {
    expect(() => loadRouting({ file: write('{"routes":[{"category":"fridges","channel":"C0X"}]}') })).toThrow(RoutingFileError);
    expect(() => loadRouting({ file: write('{"routes":[{"channel":"#general"}]}'), channel: 'C0DEF' })).toThrow(/routes.0.channel/);
    expect(() => loadRouting({ file: write('not json') })).toThrow(/SLACK_ROUTING_FILE/);
    expect(() => loadRouting({})).toThrow(/SLACK_CHANNEL/);
  });
});
