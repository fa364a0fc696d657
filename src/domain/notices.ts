/**
 * What the desk tells the customer after the work is done, in their language (zh, en): the result
 * notice when a ticket is resolved (what was found, the remedy, how to appeal) and, later, the
 * satisfaction survey request. The texts are personal data (they quote the case): they are kept
 * as messages of the ticket (ticket_messages), which erasure removes; the ticket keeps a
 * `NoticeRef` per notice with how it went out and whether it arrived.
 */
import type { Language, Remedy } from './taxonomy';

export type NoticeKind = 'result' | 'survey';
export type NoticeRoute = 'channel' | 'email' | 'webhook';

/** One notice to the customer, as the ticket records it (no text: that is in the message). */
export interface NoticeRef {
  /** Also the id of the message that holds its text. */
  id: string;
  kind: NoticeKind;
  /** The ticket version whose change created it (the notice delivery plans from that change). */
  version?: number;
  at: Date;
  status: 'pending' | 'sent' | 'failed';
  /** How it went out (null while pending, or when no way was found). */
  via: NoticeRoute | null;
  settledAt: Date | null;
  /**
   * Which way the channel took (`conversation`, WeChat's `customer_service`, `template`, `queued`);
   * `queued`/`template` mean the full text waits for the customer's next message.
   */
  detail?: string;
  /** Why it failed (no personal data). */
  reason?: string;
}

/** How a notice's delivery ended, as the notice delivery reports it. */
export interface NoticeOutcome {
  status: 'sent' | 'failed';
  via: NoticeRoute | null;
  detail?: string;
  reason?: string;
}

const REMEDY: Record<Language, Record<Remedy, string>> = {
  zh: { refund: '退款', replace: '换货', repair: '维修', compensation: '赔偿', apology: '道歉', other: '其他方式' },
  en: { refund: 'a refund', replace: 'a replacement', repair: 'a repair', compensation: 'compensation', apology: 'an apology', other: 'another remedy' },
};

export interface ResultFacts {
  number: string;
  language: Language;
  /** What was found, written for the customer by the agent (may be empty). */
  finding: string;
  remedy: Remedy | null;
  amount: number | null;
  /** Days the customer has to appeal (the survey window). */
  appealDays: number;
}

export function resultNoticeText(f: ResultFacts): string {
  const amount = f.amount !== null ? (f.language === 'zh' ? `（金额 ${f.amount.toFixed(2)}）` : ` (amount ${f.amount.toFixed(2)})`) : '';
  if (f.language === 'zh') {
    return [
      `【处理结果通知】您的投诉（工单 ${f.number}）已处理完毕。`,
      `调查结果：${f.finding.trim() || '我们已核实您反映的情况。'}`,
      `处理方式：${f.remedy ? REMEDY.zh[f.remedy] : '见上文'}${amount}`,
      `如对处理结果不满意，可在 ${f.appealDays} 天内回复“不满意”或“申诉 ${f.number}”，工单将重新处理。`,
    ].join('\n');
  }
  return [
    `[Result notice] Your complaint (ticket ${f.number}) has been resolved.`,
    `What we found: ${f.finding.trim() || 'we have checked what you reported.'}`,
    `Remedy: ${f.remedy ? REMEDY.en[f.remedy] : 'see above'}${amount}`,
    `If you are not satisfied, reply "not satisfied" or "appeal ${f.number}" within ${f.appealDays} days and the ticket is reopened.`,
  ].join('\n');
}

export function resultNoticeSubject(number: string, language: Language): string {
  return language === 'zh' ? `投诉处理结果通知（工单 ${number}）` : `Result of your complaint (ticket ${number})`;
}

export function noticeSubject(kind: NoticeKind, number: string, language: Language): string {
  if (kind === 'result') return resultNoticeSubject(number, language);
  return language === 'zh' ? `满意度回访（工单 ${number}）` : `How did we do? (ticket ${number})`;
}

/** The survey request: rate 1–5 (the numbers answer it on every channel; chat channels add buttons). */
export function surveyText(number: string, language: Language, appealDays: number): string {
  if (language === 'zh') {
    return [
      `【满意度调查】请为工单 ${number} 的处理结果评分：`,
      '回复 1 非常不满意，2 不满意，3 一般，4 满意，5 非常满意（可在数字后附上意见）。',
      `如对结果不满意，回复“不满意”可申诉（${appealDays} 天内）。`,
    ].join('\n');
  }
  return [
    `[Survey] How satisfied are you with how ticket ${number} was handled?`,
    'Reply 1 very dissatisfied, 2 dissatisfied, 3 neutral, 4 satisfied, 5 very satisfied (add a comment after the number if you like).',
    `Not satisfied with the result? Reply "not satisfied" to appeal (within ${appealDays} days).`,
  ].join('\n');
}

/** The buttons of the survey card (Web Chat, Bot Framework): what each sends back as text. */
export function surveyChoices(language: Language): Array<{ title: string; value: string }> {
  const zh = ['1 非常不满意', '2 不满意', '3 一般', '4 满意', '5 非常满意', '不满意，我要申诉'];
  const en = ['1 Very dissatisfied', '2 Dissatisfied', '3 Neutral', '4 Satisfied', '5 Very satisfied', 'Not satisfied: appeal'];
  const titles = language === 'zh' ? zh : en;
  return titles.map((title, i) => ({ title, value: i < 5 ? String(i + 1) : language === 'zh' ? '不满意' : 'not satisfied' }));
}

/** The message id of a notice: one per ticket version that created it. */
export function noticeId(number: string, kind: NoticeKind, version: number): string {
  return `${number}:${kind}:${version}`;
}
