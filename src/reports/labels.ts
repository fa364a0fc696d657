/**
 * Words of the reports, charts and dashboard in Simplified Chinese, Traditional Chinese and English.
 * Category and severity names come from the taxonomy (a deployment may rename them, TAXONOMY_FILE),
 * whose Chinese is Traditional; Simplified is derived with OpenCC's phrase tables (the classifier's
 * character table with its regional words turns 產品質量 into 产质量量), Traditional words from the
 * Simplified ones the same way.
 */
import { Converter } from 'opencc-js/t2cn';
import { Converter as toTraditional } from 'opencc-js/cn2t';
import type { Taxonomy } from '../domain/taxonomy-config';
import type { Category, ChannelName, Remedy, Severity } from '../domain/taxonomy';
import type { TicketStatus } from '../domain/state-machine';
import type { DeadlineKind } from '../domain/ticket';

export const REPORT_LANGUAGES = ['zh-CN', 'zh-TW', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

let t2cn: ((s: string) => string) | null = null;
let cn2tw: ((s: string) => string) | null = null;
const simplified = (s: string) => (t2cn ??= Converter({ from: 'tw', to: 'cn' }))(s);

export interface ReportLabels {
  language: ReportLanguage;
  category(c: string): string;
  severity(s: string): string;
  channel(c: string): string;
  status(s: TicketStatus): string;
  deadline(k: DeadlineKind): string;
  remedy(r: string): string;
  t: Words;
}

const en = {
  distributionTitle: (p: string) => `Complaints by category, ${p}`,
  trendTitle: 'Filed and resolved',
  onTimeTitle: 'On-time rate by deadline',
  handlingTitle: 'Handling time (hours)',
  channelTitle: 'By channel',
  reportTitle: (p: string) => `Complaint distribution and frequent problems, ${p}`,
  filed: 'Filed',
  open: 'Open',
  resolved: 'Resolved',
  rejected: 'Rejected',
  late: 'Missed a deadline',
  resolutionRate: 'Resolution rate',
  onTime: 'On time',
  avgHandling: 'Average handling',
  p90Handling: 'p90 handling',
  firstResponse: 'Average first response',
  csat: 'CSAT',
  noRatings: 'no ratings yet',
  recurrence: 'Recurrence rate',
  reopen: 'Reopen rate',
  escalated: 'Escalated',
  highRisk: 'High risk',
  remedies: 'Remedies',
  share: 'Share',
  major: 'Major',
  repeats: 'Repeats',
  products: 'Most complained-about products',
  merchants: 'Most complained-about merchants',
  agents: 'Agents',
  agent: 'Agent',
  load: 'Open now',
  unowned: 'nobody',
  alerts: 'Spike alerts',
  noAlerts: 'none',
  none: '—',
  hours: (h: number) => `${h.toFixed(1)} h`,
  p90Precision: (lo: number, hi: number | null) => (hi === null ? `at least ${lo} h` : `bin ${lo}–${hi} h`),
  count: 'Count',
  amount: 'Amount',
  csvNote: 'Figures are about complaints filed in the period, as they stand now.',
  highFrequency: 'Frequent problems',
  distribution: 'Distribution by category',
  kpis: 'Key figures',
};

type Words = typeof en;

const zhCN: Words = {
  distributionTitle: (p) => `投诉类型分布 ${p}`,
  trendTitle: '受理与办结',
  onTimeTitle: '各时限按时率',
  handlingTitle: '处理时长（小时）',
  channelTitle: '投诉渠道',
  reportTitle: (p) => `${p} 投诉类型分布与高频问题分析`,
  filed: '受理',
  open: '处理中',
  resolved: '办结',
  rejected: '不予受理',
  late: '超时',
  resolutionRate: '办结率',
  onTime: '按时率',
  avgHandling: '平均处理时长',
  p90Handling: 'P90 处理时长',
  firstResponse: '平均首次响应',
  csat: '满意度',
  noRatings: '暂无评价',
  recurrence: '重复投诉率',
  reopen: '重开率',
  escalated: '已升级',
  highRisk: '高风险',
  remedies: '处理方式',
  share: '占比',
  major: '重大',
  repeats: '重复',
  products: '高频投诉产品',
  merchants: '高频投诉商家',
  agents: '处理人员',
  agent: '人员',
  load: '当前在办',
  unowned: '未认领',
  alerts: '激增预警',
  noAlerts: '无',
  none: '—',
  hours: (h) => `${h.toFixed(1)} 小时`,
  p90Precision: (lo, hi) => (hi === null ? `至少 ${lo} 小时` : `区间 ${lo}–${hi} 小时`),
  count: '数量',
  amount: '金额',
  csvNote: '数据为本期受理投诉的当前状态。',
  highFrequency: '高频问题分析',
  distribution: '投诉类型分布',
  kpis: '主要指标',
};

let zhTW: Words | null = null;
const wordsOf = (l: ReportLanguage): Words => (l === 'en' ? en : l === 'zh-CN' ? zhCN : (zhTW ??= traditionalWords(zhCN)));

/** The Simplified words in Traditional characters (OpenCC), functions included. */
function traditionalWords(w: Words): Words {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(w)) {
    out[k] = typeof v === 'string' ? traditionalOf(v) : (...args: unknown[]) => traditionalOf((v as (...a: unknown[]) => string)(...args));
  }
  return out as Words;
}

const STATUS: Record<'en' | 'zh', Record<TicketStatus, string>> = {
  en: { new: 'New', claimed: 'Claimed', investigating: 'Investigating', waiting_customer: 'Waiting for customer', resolved: 'Resolved', reopened: 'Reopened', closed: 'Closed', rejected: 'Rejected' },
  zh: { new: '新建', claimed: '已认领', investigating: '调查中', waiting_customer: '等待客户', resolved: '已办结', reopened: '已重开', closed: '已关闭', rejected: '不予受理' },
};
const DEADLINE: Record<'en' | 'zh', Record<DeadlineKind, string>> = {
  en: { firstContact: 'First contact', factCheck: 'Fact check', resolution: 'Resolution' },
  zh: { firstContact: '首次联系', factCheck: '事实核查', resolution: '办结' },
};
const REMEDY: Record<'en' | 'zh', Record<Remedy | 'none', string>> = {
  en: { refund: 'Refund', replace: 'Replacement', repair: 'Repair', compensation: 'Compensation', apology: 'Apology', other: 'Other', none: 'None' },
  zh: { refund: '退款', replace: '换货', repair: '维修', compensation: '赔偿', apology: '道歉', other: '其他', none: '无' },
};
const CHANNEL: Record<'en' | 'zh', Record<ChannelName, string>> = {
  en: { api: 'API', webchat: 'Web chat', directline: 'Direct Line', botframework: 'Bot Framework', wechat: 'WeChat', phone: 'Phone', email: 'E-mail' },
  zh: { api: 'API', webchat: '网页聊天', directline: 'Direct Line', botframework: 'Bot Framework', wechat: '微信', phone: '电话', email: '邮件' },
};

export function reportLabels(taxonomy: Taxonomy, language: ReportLanguage): ReportLabels {
  const zh = language !== 'en';
  const script = language === 'zh-CN' ? simplified : (s: string) => s;
  const pick = <T extends string>(table: Record<'en' | 'zh', Record<T, string>>, k: string) => {
    const v = table[zh ? 'zh' : 'en'][k as T];
    return v === undefined ? k : language === 'zh-TW' ? traditionalOf(v) : v;
  };
  return {
    language,
    category: (c) => (taxonomy.categories[c as Category] ? (zh ? script(taxonomy.categories[c as Category].zh) : taxonomy.categories[c as Category].en) : c),
    severity: (s) => (taxonomy.severities[s as Severity] ? (zh ? script(taxonomy.severities[s as Severity].zh) : taxonomy.severities[s as Severity].en) : s),
    channel: (c) => pick(CHANNEL, c),
    status: (s) => pick(STATUS, s),
    deadline: (k) => pick(DEADLINE, k),
    remedy: (r) => pick(REMEDY, r),
    t: wordsOf(language),
  };
}

function traditionalOf(s: string): string {
  return (cn2tw ??= toTraditional({ from: 'cn', to: 'tw' }))(s);
}
