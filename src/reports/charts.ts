/**
 * The report's charts as Apache ECharts options: plain data (no functions), so the same option
 * renders on the server (render-png.ts: SVG → PNG for Slack) and in the dashboard's browser page
 * (sent as JSON to `echarts.init(el).setOption(option)`).
 */
import { DEADLINE_KINDS } from '../domain/ticket';
import { SEVERITIES } from '../domain/taxonomy';
import { binRange } from './measures';
import type { ReportLabels } from './labels';
import type { Overview } from './report-service';

/** Fixed colours, so a picture can be checked for its series (and read the same every quarter). */
export const SEVERITY_COLORS: Record<string, string> = { general: '#5470c6', important: '#fac858', major: '#ee6666' };
export const TREND_COLORS = { filed: '#3ba272', resolved: '#9a60b4' };
const FONT = 'Noto Sans CJK SC, Noto Sans, sans-serif';

export type ChartOption = Record<string, unknown>;

const base = (title: string): ChartOption => ({
  animation: false,
  backgroundColor: '#ffffff',
  textStyle: { fontFamily: FONT },
  title: { text: title, left: 'center', top: 6, textStyle: { fontFamily: FONT, fontSize: 16 } },
  tooltip: { trigger: 'axis' },
});

/** Complaints per category, stacked by severity (seed 003: 投诉类型分布图). */
export function distributionChart(o: Pick<Overview, 'matrix' | 'range'>, l: ReportLabels): ChartOption {
  const categories = o.matrix.map((r) => r.category);
  return {
    ...base(l.t.distributionTitle(o.range.label)),
    legend: { top: 36, data: SEVERITIES.map((s) => l.severity(s)) },
    grid: { left: 60, right: 30, top: 80, bottom: 90 },
    xAxis: { type: 'category', data: categories.map((c) => l.category(c)), axisLabel: { interval: 0, rotate: categories.length > 5 ? 30 : 0 } },
    yAxis: { type: 'value', name: l.t.filed, minInterval: 1 },
    series: SEVERITIES.map((s) => ({
      name: l.severity(s),
      id: `severity:${s}`,
      type: 'bar',
      stack: 'severity',
      itemStyle: { color: SEVERITY_COLORS[s] },
      label: { show: false },
      data: o.matrix.map((r) => r.bySeverity[s] ?? 0),
    })),
  };
}

/** Filed and resolved per day (or month) of the period. */
export function trendChart(o: Pick<Overview, 'trend'>, l: ReportLabels): ChartOption {
  return {
    ...base(l.t.trendTitle),
    legend: { top: 36, data: [l.t.filed, l.t.resolved] },
    grid: { left: 50, right: 30, top: 80, bottom: 50 },
    xAxis: { type: 'category', data: o.trend.points.map((p) => (o.trend.unit === 'day' ? p.label.slice(5) : p.label)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: l.t.filed, id: 'trend:filed', type: 'line', itemStyle: { color: TREND_COLORS.filed }, lineStyle: { width: 3 }, data: o.trend.points.map((p) => p.filed) },
      { name: l.t.resolved, id: 'trend:resolved', type: 'line', itemStyle: { color: TREND_COLORS.resolved }, lineStyle: { width: 3 }, data: o.trend.points.map((p) => p.resolved) },
    ],
  };
}

/** On-time rate (%) per deadline kind. */
export function onTimeChart(o: Pick<Overview, 'kpis'>, l: ReportLabels): ChartOption {
  return {
    ...base(l.t.onTimeTitle),
    grid: { left: 50, right: 30, top: 50, bottom: 40 },
    xAxis: { type: 'category', data: DEADLINE_KINDS.map((k) => l.deadline(k)) },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        name: l.t.onTime,
        id: 'ontime',
        type: 'bar',
        itemStyle: { color: '#73c0de' },
        label: { show: true, position: 'top', formatter: '{c}%' },
        data: DEADLINE_KINDS.map((k) => (o.kpis.onTime[k].rate === null ? null : Math.round(o.kpis.onTime[k].rate! * 1000) / 10)),
      },
    ],
  };
}

/** How many complaints took how long (the bins the p90 is read from). */
export function handlingChart(o: Pick<Overview, 'kpis'>, l: ReportLabels): ChartOption {
  const hist = o.kpis.handling.histogram;
  const last = hist.reduce((m, n, i) => (n ? i : m), -1);
  const shown = hist.slice(0, Math.max(last + 1, 1));
  return {
    ...base(l.t.handlingTitle),
    grid: { left: 50, right: 30, top: 50, bottom: 60 },
    xAxis: { type: 'category', name: 'h', data: shown.map((_, i) => rangeLabel(binRange(i))), axisLabel: { interval: 0, rotate: 45, fontSize: 10 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: l.t.resolved, id: 'handling', type: 'bar', itemStyle: { color: '#fc8452' }, data: shown }],
  };
}

function rangeLabel([lo, hi]: [number, number | null]): string {
  return hi === null ? `≥${lo}` : `${lo}–${hi}`;
}

/** Complaints per channel. */
export function channelChart(o: Pick<Overview, 'breakdown'>, l: ReportLabels): ChartOption {
  return {
    ...base(l.t.channelTitle),
    tooltip: { trigger: 'item' },
    series: [
      {
        name: l.t.channelTitle,
        id: 'channels',
        type: 'pie',
        radius: ['35%', '65%'],
        top: 30,
        data: o.breakdown.channel.map((r) => ({ name: l.channel(r.group), value: r.kpis?.filed ?? 0 })),
      },
    ],
  };
}

/** Every chart of the dashboard. */
export function dashboardCharts(o: Overview, l: ReportLabels): Record<string, ChartOption> {
  return { distribution: distributionChart(o, l), trend: trendChart(o, l), onTime: onTimeChart(o, l), handling: handlingChart(o, l), channels: channelChart(o, l) };
}

/**
 * The quarterly report's picture: the distribution by category and severity on the left, the trend
 * of the period on the right, in one image.
 */
export function reportChart(o: Overview, l: ReportLabels): ChartOption {
  const dist = distributionChart(o, l);
  const trend = trendChart(o, l);
  const distX = dist.xAxis as ChartOption;
  const trendX = trend.xAxis as ChartOption;
  return {
    ...base(l.t.reportTitle(o.range.label)),
    legend: { top: 38, data: [...SEVERITIES.map((s) => l.severity(s)), l.t.filed, l.t.resolved] },
    grid: [
      { left: 60, width: '52%', top: 90, bottom: 110 },
      { right: 40, width: '32%', top: 90, bottom: 110 },
    ],
    xAxis: [
      { ...distX, gridIndex: 0 },
      { ...trendX, gridIndex: 1, axisLabel: { rotate: 30 } },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, name: l.t.filed, minInterval: 1 },
      { type: 'value', gridIndex: 1, minInterval: 1 },
    ],
    series: [
      ...(dist.series as ChartOption[]).map((s) => ({ ...s, xAxisIndex: 0, yAxisIndex: 0 })),
      ...(trend.series as ChartOption[]).map((s) => ({ ...s, xAxisIndex: 1, yAxisIndex: 1 })),
    ],
  };
}
