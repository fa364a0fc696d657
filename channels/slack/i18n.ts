/**
 * Everything the Slack app says, in English and Simplified Chinese; Traditional Chinese (Taiwan)
 * is derived from the Simplified text with OpenCC when the app starts. Category and severity
 * names come from the taxonomy (which a deployment may rename, TAXONOMY_FILE).
 */
import { Converter as toTraditional } from 'opencc-js/cn2t';
import { Converter as toSimplified } from 'opencc-js/t2cn';
import type { Taxonomy } from '../../src/domain/taxonomy-config';
import type { Category, Remedy, Severity } from '../../src/domain/taxonomy';
import type { TicketStatus } from '../../src/domain/state-machine';
import type { DeadlineKind } from '../../src/domain/ticket';

export type SlackLanguage = 'zh-CN' | 'zh-TW' | 'en';

export const REJECT_REASONS = ['outside_jurisdiction', 'duplicate', 'malicious', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const en = {
  status: {
    new: 'New',
    claimed: 'Claimed',
    investigating: 'Investigating',
    waiting_customer: 'Waiting for customer',
    resolved: 'Resolved',
    reopened: 'Reopened',
    closed: 'Closed',
    rejected: 'Rejected',
  } satisfies Record<TicketStatus, string>,
  remedy: { refund: 'Refund', replace: 'Replacement', repair: 'Repair', compensation: 'Compensation', apology: 'Apology', other: 'Other' } satisfies Record<Remedy, string>,
  deadline: { firstContact: 'First contact', factCheck: 'Fact check', resolution: 'Resolution' } satisfies Record<DeadlineKind, string>,
  tier: ['owner', 'team lead', 'complaint centre'],
  rejectReason: { outside_jurisdiction: 'Outside our jurisdiction', duplicate: 'Duplicate', malicious: 'Malicious', other: 'Other' } satisfies Record<RejectReason, string>,
  field: {
    channel: 'Channel',
    customer: 'Customer',
    order: 'Order / product',
    amount: 'Amount',
    remedy: 'Desired remedy',
    confidence: 'Classifier confidence',
    status: 'Status',
    deadlines: 'SLA deadlines',
    complaint: 'Complaint',
    language: 'Customer language',
  },
  none: '—',
  paused: 'paused',
  met: 'met',
  overdue: 'overdue',
  decidedBy: (who: string) => `set by ${who}`,
  highRisk: ':warning: High risk (anger or threats)',
  recurrence: (n: string) => `Repeat of ${n}`,
  tierNow: (tier: string) => `Escalated to ${tier}`,
  ownedBy: (owner: string) => `owned by ${owner}`,
  truncated: 'The complaint is longer than shown.',
  button: {
    claim: 'Claim',
    reclassify: 'Reclassify',
    reject: 'Reject',
    resolve: 'Resolve',
    requestInfo: 'Request info',
    escalate: 'Escalate',
    release: 'Unclaim / reassign',
    reply: 'Reply to customer',
    recordContact: 'Record phone contact',
    more: 'Show full text',
  },
  modal: {
    submit: 'Submit',
    cancel: 'Cancel',
    send: 'Send',
    back: 'Next: preview',
    fullText: 'Complaint text',
    resolveTitle: 'Resolve ticket',
    resultLabel: 'Result (internal record)',
    remedyLabel: 'Remedy given',
    amountLabel: 'Amount (optional)',
    amountHint: 'A number, e.g. 199.00',
    noticeLabel: 'Notice to the customer',
    noticeHint: 'Sent to the customer on their channel when you submit.',
    rejectTitle: 'Reject ticket',
    reasonLabel: 'Reason',
    explanationLabel: 'Explanation for the customer',
    requestTitle: 'Request information',
    questionLabel: 'Question to the customer',
    questionHint: 'Sent to the customer; the SLA clock pauses until they answer.',
    reclassifyTitle: 'Reclassify ticket',
    categoryLabel: 'Category',
    severityLabel: 'Severity',
    reclassifyHint: 'Deadlines are recomputed; the choice is kept as a training example for the classifier.',
    escalateTitle: 'Escalate ticket',
    escalateTo: (tier: string) => `The ticket goes up to the ${tier}.`,
    escalateTop: 'The ticket is already at the top tier.',
    noteLabel: 'Why (internal)',
    releaseTitle: 'Unclaim or reassign',
    assigneeLabel: 'Reassign to (leave empty to put it back in the queue)',
    replyTitle: 'Reply to customer',
    replyLabel: 'Message',
    replyLanguage: (lang: string) => `The customer wrote in *${lang}*. Write your reply in that language.`,
    previewIntro: 'The customer will receive exactly this:',
    previewConfirm: 'Press *Send* to send it. Nothing has been sent yet.',
    mustBeNumber: 'Give a number of at most 2 decimals between 0 and 10,000,000.',
    required: 'Required.',
    tooLong: (max: number) => `At most ${max} characters.`,
    pickOne: 'Change the category or the severity.',
  },
  lang: { zh: 'Chinese', en: 'English' } as Record<string, string>,
  reply: {
    alreadyClaimed: (n: string, owner: string) => `Ticket ${n} is already claimed by ${owner}.`,
    notOwner: (n: string) => `Only the owner of ticket ${n} (or a supervisor) can do that.`,
    refused: (n: string, why: string) => `Ticket ${n}: ${why}`,
    notFound: (n: string) => `There is no ticket ${n}.`,
    unavailable: 'The desk cannot reach its database right now; nothing was changed. Try again in a moment.',
    failed: 'Something went wrong; nothing was changed. Try again in a moment.',
    badAction: 'This button is not recognised (the message may be from an older version). Nothing was changed.',
    sendHint: (prefix: string) => `Only a note: thread replies stay internal. To write to the customer, start the reply with \`${prefix}\` or use *Reply to customer*.`,
    customerHint: (prefix: string) => `Sent to the customer. Start a reply with \`${prefix}\` to keep it internal.`,
    notAllowedToSend: (n: string) => `Only the owner of ticket ${n} or a supervisor can write to the customer. Your reply stays an internal note.`,
    editNotSent: 'This message was already sent to the customer; edits are not sent and the customer keeps the original. Send a correction as a new reply starting with the send prefix.',
    deleteNotRecalled: 'This message was already sent to the customer and cannot be recalled; deleting it here only removes it from Slack.',
    notYourTicket: (n: string) => `Ticket ${n} is owned by someone else; only its owner or a supervisor can change it.`,
    done: (what: string, n: string) => `${what}: ticket ${n}.`,
    notInThread: 'Write in the thread of a ticket message.',
    emptyMessage: 'Nothing to send: the message is empty.',
  },
  note: {
    claimed: (who: string) => `:raising_hand: Claimed by ${who}`,
    released: (who: string) => `:leftwards_arrow_with_hook: Back in the queue (by ${who})`,
    reassigned: (who: string, to: string) => `:arrows_counterclockwise: Reassigned to ${to} by ${who}`,
    resolved: (who: string, remedy: string) => `:white_check_mark: Resolved by ${who}${remedy ? ` — ${remedy}` : ''}`,
    rejected: (who: string, reason: string) => `:no_entry: Rejected by ${who}: ${reason}`,
    waiting: (who: string) => `:double_vertical_bar: Waiting for the customer (asked by ${who}); the SLA clock is paused`,
    resumed: ':arrow_forward: The customer answered; the SLA clock runs again',
    investigating: (who: string) => `:mag: Investigation started by ${who}`,
    reopened: (reason: string) => `:repeat: Reopened${reason ? `: ${reason}` : ''}`,
    closed: ':lock: Closed',
    reclassified: (who: string, what: string) => `:label: Reclassified by ${who}: ${what}`,
    escalated: (who: string, tier: string) => `:arrow_double_up: Escalated to the ${tier} by ${who}`,
    contact: (who: string) => `:telephone_receiver: Phone contact with the customer recorded by ${who} (first contact met)`,
    warned: (what: string) => `:alarm_clock: SLA warning: ${what}`,
    overdue: (what: string) => `:rotating_light: Overdue: ${what}`,
    customer: ':speech_balloon: *Customer:*',
    evidence: ':paperclip: Evidence:',
    toCustomer: (who: string) => `:outbox_tray: *To the customer*, from ${who}:`,
    sent: ':white_check_mark: Delivered to the customer.',
    failed: (why: string) => `:x: Not delivered to the customer: ${why}`,
    heldForCustomer: (template: boolean): string =>
      template
        ? ':hourglass_flowing_sand: The customer is outside WeChat\'s 48-hour window: a template message told them, and the full text goes out when they next write.'
        : ':hourglass_flowing_sand: The customer is outside WeChat\'s 48-hour window: the message goes out when they next write.',
    escalation: (mention: string, n: string, sev: string, cat: string, channel: string) => `${mention} ${sev} complaint ${n} (${cat}) was filed; it is handled in ${channel}.`,
    someone: 'someone',
    actor: { customer: 'the customer', system: 'the desk', api: 'an integration', agent: 'an agent' } as Record<string, string>,
    deadlines: (kinds: string) => kinds,
  },
  command: {
    help: [
      '*/complaints* — the complaint desk',
      '• `status <number>` — one ticket',
      '• `mine` — your open tickets, most urgent first',
      '• `search <words>` — find tickets by number, order, product or text',
      '• `overdue` — open tickets past a deadline (supervisors)',
      '• `stats [today|week|month|quarter|YYYY-MM|YYYY-MM-DD..YYYY-MM-DD] [by category|severity|channel|agent]` (supervisors)',
      '• `help` — this list',
    ].join('\n'),
    unknown: (what: string) => `Unknown subcommand \`${what}\`.`,
    supervisorsOnly: (what: string) => `Sorry, \`${what}\` is for supervisors only. Ask a supervisor if you need these figures.`,
    noneMine: 'You have no open tickets.',
    noneOverdue: 'No open ticket is past a deadline.',
    noneFound: (q: string) => `No ticket matches “${q}”.`,
    mine: (n: number) => `Your open tickets (${n}), most urgent first:`,
    overdue: (n: number) => `Open tickets past a deadline (${n}), most overdue first:`,
    found: (n: number, q: string) => `Tickets matching “${q}” (${n}, newest first):`,
    more: (n: number) => `…and ${n} more.`,
    badRange: 'Give the period as today, week, month, quarter, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD, and grouping as `by category|severity|channel|agent`.',
    statsTitle: (from: string, to: string, by: string) => `Tickets filed ${from} – ${to}${by ? `, by ${by}` : ''}`,
    statsHeader: ['group', 'filed', 'open', 'resolved', 'rejected', 'late'],
    noTickets: 'No tickets were filed in this period.',
    statusUsage: 'Give a ticket number: `/complaints status 2026000123`.',
    searchUsage: 'Give words to search for: `/complaints search kettle`.',
    slow: 'Working on it…',
    dimension: { category: 'category', severity: 'severity', channel: 'channel', agent: 'agent' } as Record<string, string>,
  },
  home: {
    title: 'My open tickets',
    empty: 'You have no open tickets. Claim one from your team’s channel.',
    due: (when: string) => `next deadline ${when}`,
    noDue: 'no deadline running',
    updated: (when: string) => `Updated ${when}`,
  },
};

export type Messages = typeof en;

const zhCN: Messages = {
  status: {
    new: '新建',
    claimed: '已认领',
    investigating: '调查中',
    waiting_customer: '等待客户',
    resolved: '已解决',
    reopened: '已重开',
    closed: '已关闭',
    rejected: '已驳回',
  },
  remedy: { refund: '退款', replace: '换货', repair: '维修', compensation: '赔偿', apology: '道歉', other: '其他' },
  deadline: { firstContact: '首次联系', factCheck: '核实', resolution: '办结' },
  tier: ['处理人', '组长', '投诉中心'],
  rejectReason: { outside_jurisdiction: '不属于受理范围', duplicate: '重复投诉', malicious: '恶意投诉', other: '其他' },
  field: {
    channel: '渠道',
    customer: '客户',
    order: '订单 / 商品',
    amount: '金额',
    remedy: '诉求',
    confidence: '分类置信度',
    status: '状态',
    deadlines: 'SLA 时限',
    complaint: '投诉内容',
    language: '客户语言',
  },
  none: '—',
  paused: '已暂停',
  met: '已达成',
  overdue: '已超时',
  decidedBy: (who) => `由${who}设定`,
  highRisk: ':warning: 高风险（情绪激动或有威胁）',
  recurrence: (n) => `重复投诉，前单 ${n}`,
  tierNow: (tier) => `已升级至${tier}`,
  ownedBy: (owner) => `处理人 ${owner}`,
  truncated: '投诉内容未显示完整。',
  button: {
    claim: '认领',
    reclassify: '重新分类',
    reject: '驳回',
    resolve: '办结',
    requestInfo: '请客户补充',
    escalate: '升级',
    release: '退回 / 转派',
    reply: '回复客户',
    recordContact: '记录电话联系',
    more: '查看全文',
  },
  modal: {
    submit: '提交',
    cancel: '取消',
    send: '发送',
    back: '下一步：预览',
    fullText: '投诉全文',
    resolveTitle: '办结投诉单',
    resultLabel: '处理结果（内部记录）',
    remedyLabel: '补救方式',
    amountLabel: '金额（可选）',
    amountHint: '数字，如 199.00',
    noticeLabel: '给客户的通知',
    noticeHint: '提交后通过客户的渠道发送给客户。',
    rejectTitle: '驳回投诉单',
    reasonLabel: '原因',
    explanationLabel: '给客户的说明',
    requestTitle: '请客户补充信息',
    questionLabel: '向客户提出的问题',
    questionHint: '发送给客户；在客户回复之前 SLA 计时暂停。',
    reclassifyTitle: '重新分类',
    categoryLabel: '类别',
    severityLabel: '级别',
    reclassifyHint: '时限将重新计算；此次选择会作为分类器的训练样本保存。',
    escalateTitle: '升级投诉单',
    escalateTo: (tier) => `投诉单将升级至${tier}。`,
    escalateTop: '投诉单已在最高一级。',
    noteLabel: '原因（内部）',
    releaseTitle: '退回或转派',
    assigneeLabel: '转派给（留空则退回待认领队列）',
    replyTitle: '回复客户',
    replyLabel: '消息',
    replyLanguage: (lang) => `客户使用*${lang}*，请用该语言回复。`,
    previewIntro: '客户将收到以下内容：',
    previewConfirm: '点击*发送*后发出。目前尚未发送任何内容。',
    mustBeNumber: '请输入 0 至 10,000,000 之间、最多两位小数的数字。',
    required: '必填。',
    tooLong: (max) => `最多 ${max} 个字符。`,
    pickOne: '请修改类别或级别。',
  },
  lang: { zh: '中文', en: '英文' },
  reply: {
    alreadyClaimed: (n, owner) => `投诉单 ${n} 已被 ${owner} 认领。`,
    notOwner: (n) => `只有投诉单 ${n} 的处理人（或主管）可以这样操作。`,
    refused: (n, why) => `投诉单 ${n}：${why}`,
    notFound: (n) => `没有投诉单 ${n}。`,
    unavailable: '暂时无法连接数据库，未做任何更改。请稍后再试。',
    failed: '出现错误，未做任何更改。请稍后再试。',
    badAction: '无法识别此按钮（消息可能来自旧版本）。未做任何更改。',
    sendHint: (prefix) => `仅为内部备注：话题中的回复默认不发给客户。要发给客户，请以 \`${prefix}\` 开头，或使用“回复客户”。`,
    customerHint: (prefix) => `已发送给客户。以 \`${prefix}\` 开头的回复保留为内部备注。`,
    notAllowedToSend: (n) => `只有投诉单 ${n} 的处理人或主管可以给客户发消息。你的回复仅作为内部备注。`,
    editNotSent: '这条消息已发送给客户；修改不会发出，客户看到的仍是原文。如需更正，请以发送前缀开头另发一条回复。',
    deleteNotRecalled: '这条消息已发送给客户，无法撤回；在这里删除只会从 Slack 中移除。',
    notYourTicket: (n) => `投诉单 ${n} 由他人处理；只有处理人或主管可以修改。`,
    done: (what, n) => `${what}：投诉单 ${n}。`,
    notInThread: '请在投诉单消息的话题中回复。',
    emptyMessage: '消息为空，未发送。',
  },
  note: {
    claimed: (who) => `:raising_hand: ${who} 已认领`,
    released: (who) => `:leftwards_arrow_with_hook: ${who} 已退回待认领队列`,
    reassigned: (who, to) => `:arrows_counterclockwise: ${who} 已转派给 ${to}`,
    resolved: (who, remedy) => `:white_check_mark: ${who} 已办结${remedy ? `：${remedy}` : ''}`,
    rejected: (who, reason) => `:no_entry: ${who} 已驳回：${reason}`,
    waiting: (who) => `:double_vertical_bar: 等待客户补充（${who} 提问）；SLA 计时暂停`,
    resumed: ':arrow_forward: 客户已回复；SLA 计时恢复',
    investigating: (who) => `:mag: ${who} 开始调查`,
    reopened: (reason) => `:repeat: 已重开${reason ? `：${reason}` : ''}`,
    closed: ':lock: 已关闭',
    reclassified: (who, what) => `:label: ${who} 重新分类：${what}`,
    escalated: (who, tier) => `:arrow_double_up: ${who} 已升级至${tier}`,
    contact: (who) => `:telephone_receiver: ${who} 记录了与客户的电话联系（首次联系已达成）`,
    warned: (what) => `:alarm_clock: SLA 预警：${what}`,
    overdue: (what) => `:rotating_light: 已超时：${what}`,
    customer: ':speech_balloon: *客户：*',
    evidence: ':paperclip: 证据：',
    toCustomer: (who) => `:outbox_tray: *发给客户*，来自 ${who}：`,
    sent: ':white_check_mark: 已送达客户。',
    failed: (why) => `:x: 未能送达客户：${why}`,
    heldForCustomer: (template) =>
      template ? ':hourglass_flowing_sand: 客户已超出微信 48 小时回复期：已发模板消息提醒，全文将在客户下次发消息时送达。' : ':hourglass_flowing_sand: 客户已超出微信 48 小时回复期：消息将在客户下次发消息时送达。',
    escalation: (mention, n, sev, cat, channel) => `${mention} 新的${sev}投诉 ${n}（${cat}），在 ${channel} 处理。`,
    someone: '某人',
    actor: { customer: '客户', system: '系统', api: '外部系统', agent: '坐席' },
    deadlines: (kinds) => kinds,
  },
  command: {
    help: [
      '*/complaints* — 投诉台',
      '• `status <单号>` — 查看一张投诉单',
      '• `mine` — 我的未结投诉单，最紧急的在前',
      '• `search <关键词>` — 按单号、订单、商品或内容搜索',
      '• `overdue` — 已超时的未结投诉单（主管）',
      '• `stats [today|week|month|quarter|YYYY-MM|YYYY-MM-DD..YYYY-MM-DD] [by category|severity|channel|agent]`（主管）',
      '• `help` — 本说明',
    ].join('\n'),
    unknown: (what) => `未知的子命令 \`${what}\`。`,
    supervisorsOnly: (what) => `抱歉，\`${what}\` 仅供主管使用。如需这些数据，请联系主管。`,
    noneMine: '你没有未结的投诉单。',
    noneOverdue: '没有超时的未结投诉单。',
    noneFound: (q) => `没有与“${q}”匹配的投诉单。`,
    mine: (n) => `你的未结投诉单（${n}），最紧急的在前：`,
    overdue: (n) => `已超时的未结投诉单（${n}），超时最久的在前：`,
    found: (n, q) => `与“${q}”匹配的投诉单（${n}，最新的在前）：`,
    more: (n) => `……另有 ${n} 张。`,
    badRange: '时间段请用 today、week、month、quarter、YYYY-MM 或 YYYY-MM-DD..YYYY-MM-DD，分组请用 `by category|severity|channel|agent`。',
    statsTitle: (from, to, by) => `${from} 至 ${to} 受理的投诉单${by ? `，按${by}` : ''}`,
    statsHeader: ['分组', '受理', '未结', '已解决', '已驳回', '超时'],
    noTickets: '该时间段内没有受理投诉单。',
    statusUsage: '请给出单号：`/complaints status 2026000123`。',
    searchUsage: '请给出关键词：`/complaints search 电热水壶`。',
    slow: '正在处理……',
    dimension: { category: '类别', severity: '级别', channel: '渠道', agent: '处理人' },
  },
  home: {
    title: '我的未结投诉单',
    empty: '你没有未结的投诉单。可以在团队频道里认领。',
    due: (when) => `下一时限 ${when}`,
    noDue: '没有正在计时的时限',
    updated: (when) => `更新于 ${when}`,
  },
};

/** Convert every string (and every string a function returns) of a message table. */
function convertTable<T>(table: T, convert: (s: string) => string): T {
  if (typeof table === 'string') return convert(table) as T;
  if (typeof table === 'function') {
    // Only the fixed text is converted: string arguments (names, mentions, customer text) are
    // replaced by placeholders while converting and put back unchanged.
    const f = table as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => {
      const marked = args.map((a, i) => (typeof a === 'string' && a ? `\uE000${i}\uE001` : a));
      const r = f(...marked);
      if (typeof r !== 'string') return r;
      return convert(r).replace(/\uE000(\d+)\uE001/g, (_m, i: string) => String(args[Number(i)]));
    }) as T;
  }
  if (Array.isArray(table)) return table.map((x) => convertTable(x, convert)) as T;
  if (table && typeof table === 'object') return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, convertTable(v, convert)])) as T;
  return table;
}

let zhTW: Messages | null = null;

export function messagesFor(lang: SlackLanguage): Messages {
  if (lang === 'en') return en;
  if (lang === 'zh-CN') return zhCN;
  // Convert the fixed text only: arguments (user mentions, ticket numbers, customer text) pass through unchanged.
  zhTW ??= convertTable(zhCN, toTraditional({ from: 'cn', to: 'twp' }));
  return zhTW;
}

/** Category and severity names in the app's language (the taxonomy keeps Chinese in Traditional script). */
export function labelsFor(lang: SlackLanguage, taxonomy: Taxonomy): { category(c: Category): string; severity(s: Severity): string } {
  const simplify = lang === 'zh-CN' ? toSimplified({ from: 'tw', to: 'cn' }) : (s: string) => s;
  return {
    category: (c) => (lang === 'en' ? taxonomy.categories[c].en : simplify(taxonomy.categories[c].zh)),
    severity: (s) => (lang === 'en' ? taxonomy.severities[s].en : simplify(taxonomy.severities[s].zh)),
  };
}
