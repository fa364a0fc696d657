/**
 * The quarterly distribution report (seed 003: 按季度生成《投诉类型分布图》与《高频问题分析报告》): the
 * distribution by category and severity with its chart, the key figures (handling completion rate,
 * average and p90 handling time, on-time rates, repeat and reopen rates, CSAT, remedies), the
 * frequent problems (most complained-about products and merchants, repeats), the agents, and the
 * spike alerts of the period. Built from the counters only; holds no personal values (product and
 * merchant names are not personal — they are customers' words, so a renderer escapes them).
 */
import { DEADLINE_KINDS } from '../domain/ticket';
import { reportChart } from './charts';
import { kpiCsv } from './csv';
import { overallOnTime, type KpiSet } from './kpis';
import type { ReportLabels } from './labels';
import { NO_AGENT } from './measures';
import type { DayRange } from './periods';
import { renderPng } from './render-png';
import type { Overview, ReportService } from './report-service';

export const REPORT_CHART_SIZE = { width: 1200, height: 640 };

export interface ReportSection {
  title: string;
  lines: string[];
}

export interface QuarterlyReport {
  range: DayRange;
  title: string;
  sections: ReportSection[];
  overview: Overview;
  png: Buffer;
  csv: string;
  files: { png: string; csv: string };
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

export function summaryLines(k: KpiSet, l: ReportLabels, currency: string): string[] {
  const t = l.t;
  const hours = (h: number | null) => (h === null ? t.none : t.hours(h));
  return [
    `${t.filed}: ${k.filed} · ${t.resolved}: ${k.resolved} · ${t.open}: ${k.open} · ${t.rejected}: ${k.rejected}`,
    `${t.resolutionRate}: ${pct(k.resolutionRate)}`,
    `${t.onTime}: ${DEADLINE_KINDS.map((d) => `${l.deadline(d)} ${pct(k.onTime[d].rate)}`).join(' · ')}`,
    `${t.avgHandling}: ${hours(k.handling.averageHours)} · ${t.p90Handling}: ${k.handling.p90Hours === null ? t.none : `${hours(k.handling.p90Hours)} (${t.p90Precision(k.handling.p90Bin![0], k.handling.p90Bin![1])})`}`,
    `${t.firstResponse}: ${hours(k.firstResponse.averageHours)}`,
    `${t.csat}: ${k.csat.count ? `${k.csat.average!.toFixed(2)} / 5 (${k.csat.count}, ${pct(k.csat.satisfiedRate)} 4–5)` : t.noRatings}`,
    `${t.recurrence}: ${pct(k.recurrence.rate)} · ${t.reopen}: ${pct(k.reopen.rate)} · ${t.escalated}: ${k.escalated} · ${t.highRisk}: ${k.highRisk}`,
    `${t.remedies}: ${k.remedies.length ? k.remedies.map((r) => `${l.remedy(r.remedy)} ${r.count}${r.amount ? ` (${r.amount.toFixed(2)} ${currency})` : ''}`).join(' · ') : t.none}`,
  ];
}

export async function buildQuarterlyReport(reports: ReportService, range: DayRange, l: ReportLabels, options: { currency: string }): Promise<QuarterlyReport> {
  const o = await reports.overview(range);
  const t = l.t;
  const k = o.kpis;
  const share = (n: number) => (k.filed ? `${((n / k.filed) * 100).toFixed(1)}%` : '—');
  const sections: ReportSection[] = [
    { title: t.kpis, lines: summaryLines(k, l, options.currency) },
    {
      title: t.distribution,
      lines: o.breakdown.category.map((r) => {
        const major = o.matrix.find((m) => m.category === r.group)?.bySeverity.major ?? 0;
        return `${l.category(r.group)}: ${r.kpis!.filed} (${share(r.kpis!.filed)}) · ${t.major} ${major} · ${t.resolutionRate} ${pct(r.kpis!.resolutionRate)} · ${t.repeats} ${r.kpis!.recurrence.count}`;
      }),
    },
    {
      title: t.highFrequency,
      lines: [
        `${t.products}: ${o.products.slice(0, 5).map((p) => `${p.key} ${p.filed}${p.recurrence ? ` (${t.repeats} ${p.recurrence})` : ''}`).join(' · ') || t.none}`,
        `${t.merchants}: ${o.merchants.slice(0, 5).map((p) => `${p.key} ${p.filed}`).join(' · ') || t.none}`,
        `${t.alerts}: ${o.alerts.length ? o.alerts.map((a) => `${a.day} ${a.dimension === 'category' ? l.category(a.key) : a.key} ${a.count}`).join(' · ') : t.noAlerts}`,
      ],
    },
    {
      title: t.agents,
      lines: o.agents
        .filter((a) => a.key !== NO_AGENT)
        .slice(0, 10)
        .map((a) => `${a.name ?? a.key}: ${t.filed} ${a.filed} · ${t.resolved} ${a.resolved} · ${t.onTime} ${pct(overallOnTime(a.onTime).rate)} · ${t.avgHandling} ${a.handling.averageHours === null ? t.none : t.hours(a.handling.averageHours)}`),
    },
  ];
  const [byCategory, bySeverity, byChannel, byProduct, byMerchant, byAgent] = await Promise.all(
    (['category', 'severity', 'channel', 'product', 'merchant', 'agent'] as const).map((by) => reports.breakdown(range, by)),
  );
  const csv = kpiCsv(range, k, [...byCategory!, ...bySeverity!, ...byChannel!, ...byProduct!, ...byMerchant!, ...byAgent!], l);
  const png = renderPng(reportChart(o, l), REPORT_CHART_SIZE);
  const slug = range.label.replace(/[^0-9A-Za-z.-]+/g, '_');
  return { range, title: t.reportTitle(range.label), sections, overview: o, png, csv, files: { png: `complaints-${slug}.png`, csv: `complaints-${slug}.csv` } };
}

/** The report as plain text (markdown-like: `*title*` and bullets), e.g. for the CLI or a file. */
export function reportText(r: Pick<QuarterlyReport, 'title' | 'sections'>): string {
  return [`*${r.title}*`, ...r.sections.flatMap((s) => ['', `*${s.title}*`, ...s.lines.map((line) => `• ${line}`)])].join('\n');
}
