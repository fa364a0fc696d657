/**
 * CSV of KPI rows (the dashboard's export, the quarterly report's attachment): one row per group of
 * a breakdown, with the total first; machine-readable column names, the group's display name in
 * `label`. Text fields that a spreadsheet would run as a formula (=, +, -, @ first) are quoted with a
 * leading apostrophe (product and merchant names come from customers). UTF-8 with a byte-order mark,
 * so spreadsheet programs read the Chinese.
 */
import { DEADLINE_KINDS } from '../domain/ticket';
import type { BriefRow, KpiSet } from './kpis';
import type { ReportLabels } from './labels';
import type { GroupRow } from './report-service';
import type { DayRange } from './periods';
import { NO_AGENT } from './measures';

export const CSV_COLUMNS = [
  'period',
  'dimension',
  'group',
  'label',
  'filed',
  'open',
  'resolved',
  'rejected',
  'late',
  'resolution_rate',
  'on_time_first_contact',
  'on_time_fact_check',
  'on_time_resolution',
  'avg_handling_hours',
  'p90_handling_hours',
  'avg_first_response_hours',
  'recurrence_rate',
  'reopen_rate',
  'csat_average',
  'csat_ratings',
  'escalated',
  'high_risk',
  'remedies',
  'remedy_amount',
] as const;

type Cell = string | number | null | undefined;

const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? '' : String(Math.round(v * 10 ** digits) / 10 ** digits));

function kpiCells(k: KpiSet): Cell[] {
  return [
    k.filed,
    k.open,
    k.resolved,
    k.rejected,
    k.late,
    num(k.resolutionRate),
    ...DEADLINE_KINDS.map((d) => num(k.onTime[d].rate)),
    num(k.handling.averageHours, 2),
    num(k.handling.p90Hours, 2),
    num(k.firstResponse.averageHours, 2),
    num(k.recurrence.rate),
    num(k.reopen.rate),
    num(k.csat.average, 2),
    k.csat.count,
    k.escalated,
    k.highRisk,
    k.remedies.reduce((s, r) => s + r.count, 0),
    num(k.remedies.reduce((s, r) => s + r.amount, 0), 2),
  ];
}

function briefCells(b: BriefRow): Cell[] {
  return [
    b.filed,
    b.open,
    b.resolved,
    b.rejected,
    b.late,
    num(b.filed - b.rejected > 0 ? b.resolved / (b.filed - b.rejected) : null),
    ...DEADLINE_KINDS.map((d) => num(b.onTime[d].rate)),
    num(b.handling.averageHours, 2),
    '',
    '',
    num(b.filed ? b.recurrence / b.filed : null),
    '',
    '',
    '',
    '',
    '',
    '',
    '',
  ];
}

export function escapeCsv(v: Cell): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && s !== '-' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function labelOf(r: Pick<GroupRow, 'dimension' | 'group' | 'name'>, l: ReportLabels): string {
  switch (r.dimension) {
    case 'category':
      return l.category(r.group);
    case 'severity':
      return l.severity(r.group);
    case 'channel':
      return l.channel(r.group);
    case 'agent':
      return r.group === NO_AGENT ? l.t.unowned : (r.name ?? r.group);
    default:
      return r.group;
  }
}

/** The CSV of a breakdown: the total (`all`) first, then its groups. */
export function kpiCsv(range: DayRange, total: KpiSet, rows: GroupRow[], l: ReportLabels): string {
  const lines: Cell[][] = [[...CSV_COLUMNS]];
  lines.push([range.label, 'all', 'all', l.t.filed, ...kpiCells(total)]);
  for (const r of rows) {
    const cells = r.kpis ? kpiCells(r.kpis) : r.brief ? briefCells(r.brief) : [];
    lines.push([range.label, r.dimension, r.group, labelOf(r, l), ...cells]);
  }
  return '\uFEFF' + lines.map((cells) => cells.map(escapeCsv).join(',')).join('\r\n') + '\r\n';
}
