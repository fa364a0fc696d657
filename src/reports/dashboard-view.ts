/**
 * What the supervisor dashboard's page shows, ready to display: figure tiles, tables of strings and
 * chart options. The page's script only puts them on the screen (as text, never as HTML).
 */
import { CATEGORIES, CHANNELS, SEVERITIES } from '../domain/taxonomy';
import { DEADLINE_KINDS } from '../domain/ticket';
import { dashboardCharts, type ChartOption } from './charts';
import { overallOnTime, type BriefRow } from './kpis';
import type { ReportLabels } from './labels';
import { NO_AGENT } from './measures';
import type { Overview, ReportFilter } from './report-service';
import { BREAKDOWNS } from './report-service';

export interface ViewTable {
  id: string;
  title: string;
  columns: string[];
  rows: string[][];
  note?: string;
}

export interface DashboardView {
  title: string;
  language: string;
  range: { from: string; to: string; label: string };
  filter: ReportFilter;
  tiles: Array<{ id: string; label: string; value: string; detail?: string }>;
  tables: ViewTable[];
  charts: Record<string, ChartOption>;
  choices: Record<'category' | 'severity' | 'channel' | 'by', Array<{ value: string; label: string }>>;
  words: Record<string, string>;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

export function dashboardView(o: Overview, l: ReportLabels, currency: string): DashboardView {
  const t = l.t;
  const k = o.kpis;
  const hours = (h: number | null) => (h === null ? '—' : t.hours(h));
  const filtered = Boolean(o.filter.category || o.filter.severity || o.filter.channel);
  const nameNote = filtered ? (l.language === 'en' ? 'All categories, severities and channels (these tables are not split by the filters).' : '不受类型、等级、渠道筛选影响。') : undefined;
  const counts = (r: BriefRow, label: string) => [label, String(r.filed), String(r.open), String(r.resolved), String(r.late)];
  const brief = (r: BriefRow, label: string) => [...counts(r, label), pct(overallOnTime(r.onTime).rate)];
  const tables: ViewTable[] = [
    {
      id: 'categories',
      title: t.distribution,
      columns: [l.language === 'en' ? 'Category' : '类型', t.filed, t.share, t.open, t.resolved, t.resolutionRate, ...DEADLINE_KINDS.map((d) => `${l.deadline(d)} ${t.onTime}`), t.avgHandling, t.recurrence],
      rows: o.breakdown.category.map((r) => {
        const g = r.kpis!;
        return [
          l.category(r.group),
          String(g.filed),
          k.filed ? `${((g.filed / k.filed) * 100).toFixed(1)}%` : '—',
          String(g.open),
          String(g.resolved),
          pct(g.resolutionRate),
          ...DEADLINE_KINDS.map((d) => pct(g.onTime[d].rate)),
          hours(g.handling.averageHours),
          pct(g.recurrence.rate),
        ];
      }),
    },
    {
      id: 'agents',
      title: t.agents,
      columns: [t.agent, t.filed, t.open, t.resolved, t.late, t.onTime, t.avgHandling],
      rows: o.agents.map((a) => [...brief(a, a.key === NO_AGENT ? t.unowned : (a.name ?? a.key)), hours(a.handling.averageHours)]),
      ...(nameNote ? { note: nameNote } : {}),
    },
    {
      id: 'load',
      title: t.load,
      columns: [t.agent, t.open],
      rows: o.load.map((a) => [a.key === NO_AGENT ? t.unowned : (a.name ?? a.key), String(a.open)]),
      note: l.language === 'en' ? 'Open tickets now, whatever their filing date.' : '当前所有未办结投诉，不限受理日期。',
    },
    { id: 'products', title: t.products, columns: [l.language === 'en' ? 'Product' : '产品', t.filed, t.open, t.resolved, t.late, t.major, t.repeats], rows: o.products.map((p) => [...counts(p, p.key), String(p.major), String(p.recurrence)]), ...(nameNote ? { note: nameNote } : {}) },
    { id: 'merchants', title: t.merchants, columns: [l.language === 'en' ? 'Merchant' : '商家', t.filed, t.open, t.resolved, t.late, t.major, t.repeats], rows: o.merchants.map((p) => [...counts(p, p.key), String(p.major), String(p.recurrence)]), ...(nameNote ? { note: nameNote } : {}) },
    {
      id: 'remedies',
      title: t.remedies,
      columns: [t.remedies, t.count, `${t.amount} (${currency})`],
      rows: k.remedies.map((r) => [l.remedy(r.remedy), String(r.count), r.amount.toFixed(2)]),
    },
    {
      id: 'alerts',
      title: t.alerts,
      columns: [l.language === 'en' ? 'Day' : '日期', l.language === 'en' ? 'Subject' : '对象', t.count, l.language === 'en' ? 'Baseline per day' : '日均基线'],
      rows: o.alerts.map((a) => [a.day, a.dimension === 'category' ? l.category(a.key) : a.key, String(a.count), a.baseline.toFixed(1)]),
    },
  ];
  return {
    title: l.language === 'en' ? `Complaints dashboard — ${o.range.label}` : `投诉看板 — ${o.range.label}`,
    language: l.language,
    range: { from: o.range.from, to: o.range.to, label: o.range.label },
    filter: o.filter,
    tiles: [
      { id: 'filed', label: t.filed, value: String(k.filed) },
      { id: 'open', label: t.open, value: String(k.open) },
      { id: 'resolutionRate', label: t.resolutionRate, value: pct(k.resolutionRate), detail: `${k.resolved} / ${k.filed - k.rejected}` },
      ...DEADLINE_KINDS.map((d) => ({ id: `onTime.${d}`, label: `${l.deadline(d)} ${t.onTime}`, value: pct(k.onTime[d].rate), detail: `${k.onTime[d].onTime} / ${k.onTime[d].onTime + k.onTime[d].missed}` })),
      { id: 'avgHandling', label: t.avgHandling, value: hours(k.handling.averageHours), detail: `n = ${k.handling.count}` },
      { id: 'p90Handling', label: t.p90Handling, value: hours(k.handling.p90Hours), ...(k.handling.p90Bin ? { detail: t.p90Precision(k.handling.p90Bin[0], k.handling.p90Bin[1]) } : {}) },
      { id: 'firstResponse', label: t.firstResponse, value: hours(k.firstResponse.averageHours) },
      { id: 'csat', label: t.csat, value: k.csat.count ? `${k.csat.average!.toFixed(2)} / 5` : t.noRatings, ...(k.csat.count ? { detail: `n = ${k.csat.count}, 4–5: ${pct(k.csat.satisfiedRate)}` } : {}) },
      { id: 'recurrence', label: t.recurrence, value: pct(k.recurrence.rate), detail: String(k.recurrence.count) },
      { id: 'reopen', label: t.reopen, value: pct(k.reopen.rate), detail: `${k.reopen.count} / ${k.reopen.base}` },
      { id: 'escalated', label: t.escalated, value: String(k.escalated) },
      { id: 'highRisk', label: t.highRisk, value: String(k.highRisk) },
    ],
    tables,
    charts: dashboardCharts(o, l),
    choices: {
      category: CATEGORIES.map((c) => ({ value: c, label: l.category(c) })),
      severity: SEVERITIES.map((s) => ({ value: s, label: l.severity(s) })),
      channel: CHANNELS.map((c) => ({ value: c, label: l.channel(c) })),
      by: BREAKDOWNS.map((b) => ({ value: b, label: labelOfBreakdown(b, l) })),
    },
    words: l.language === 'en'
      ? { period: 'Period', category: 'Category', severity: 'Severity', channel: 'Channel', all: 'All', apply: 'Show', export: 'Export CSV', by: 'by', loading: 'Loading…', error: 'Could not load' }
      : { period: '期间', category: '类型', severity: '等级', channel: '渠道', all: '全部', apply: '查询', export: '导出 CSV', by: '按', loading: '加载中…', error: '加载失败' },
  };
}

function labelOfBreakdown(b: string, l: ReportLabels): string {
  const en: Record<string, string> = { category: 'category', severity: 'severity', channel: 'channel', agent: 'agent', product: 'product', merchant: 'merchant' };
  const zh: Record<string, string> = { category: '类型', severity: '等级', channel: '渠道', agent: '人员', product: '产品', merchant: '商家' };
  return (l.language === 'en' ? en : zh)[b] ?? b;
}

