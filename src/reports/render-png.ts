/**
 * Charts as PNG on the server: ECharts' server-side SVG rendering, then resvg (a Rust rasteriser,
 * prebuilt per platform) to PNG with the system's Noto CJK font, so 产品质量 is not boxes (Debian:
 * `fonts-noto-cjk`). No browser, no canvas library.
 */
import * as echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';
import type { ChartOption } from './charts';

export const CHART_FONT = 'Noto Sans CJK SC';

export function renderSvg(option: ChartOption, size: { width: number; height: number }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(option as echarts.EChartsCoreOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose(); // or the process does not exit
  }
}

export function renderPng(option: ChartOption, size: { width: number; height: number }): Buffer {
  const svg = renderSvg(option, size);
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: CHART_FONT }, background: 'white', fitTo: { mode: 'original' } }).render().asPng();
  return Buffer.from(png);
}
