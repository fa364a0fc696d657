import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../../../src/domain/taxonomy';
import {
  PRESETS,
  SlaPolicyError,
  loadPolicy,
  preset,
  resolveBudgets,
  resolvePolicy,
  validatePolicy,
  type Budget,
  type BudgetSet,
} from '../../../src/sla';

const h = (amount: number): Budget => ({ unit: 'hours', amount });
const wd = (amount: number): Budget => ({ unit: 'workingDays', amount });

function cells(expected: (c: Category, s: Severity) => BudgetSet) {
  return CATEGORIES.flatMap((c) => SEVERITIES.map((s) => ({ c, s, want: expected(c, s) })));
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof SlaPolicyError) return [...err.problems];
    throw err;
  }
  throw new Error('expected an SlaPolicyError, none was thrown');
}

describe('SLA presets (DESIGN §2 table)', () => {
  it('when the service preset is resolved for all 24 cells, then 1 h / 24 h / 3 working days, major 7 working days', () => {
    const p = preset('service');
    for (const { c, s, want } of cells((_c, s) => ({
      firstContact: h(1),
      factCheck: h(24),
      resolution: s === 'major' ? wd(7) : wd(3),
    }))) {
      expect([c, s, resolveBudgets(p, c, s)]).toEqual([c, s, want]);
    }
  });

  it('when the telecom preset is resolved for all 24 cells, then clock hours per category', () => {
    const p = preset('telecom');
    const resolution: Partial<Record<Category, number>> = { service_quality: 48, billing: 72, contract: 48 };
    for (const { c, s, want } of cells((c) => ({
      firstContact: h(1),
      factCheck: h(24),
      resolution: h(resolution[c] ?? 72),
    }))) {
      expect([c, s, resolveBudgets(p, c, s)]).toEqual([c, s, want]);
    }
  });

  it('when the ecommerce preset is resolved, then 3 working days, and 7 only for appraisal cases (flag)', () => {
    const p = preset('ecommerce');
    for (const { c, s, want } of cells(() => ({ firstContact: h(1), factCheck: h(24), resolution: wd(3) }))) {
      expect([c, s, resolveBudgets(p, c, s)]).toEqual([c, s, want]);
    }
    expect(resolveBudgets(p, 'product_quality', 'general', { needsAppraisal: true }).resolution).toEqual(wd(7));
    expect(resolveBudgets(p, 'product_quality', 'general', { needsAppraisal: false }).resolution).toEqual(wd(3));
    // Other flags of the ticket are not policy rules and change nothing.
    expect(resolveBudgets(p, 'product_quality', 'major', { highRisk: true }).resolution).toEqual(wd(3));
  });

  it('when no preset is named, then the default is service; every preset has the 80 % / 2 h warning', () => {
    expect(resolvePolicy().name).toBe('service');
    for (const name of ['service', 'telecom', 'ecommerce']) {
      expect(preset(name).warning).toEqual({ percent: 80, leadHours: 2 });
      expect(preset(name).workingDayCount).toBe('fromFiling');
    }
  });

  it('when an unknown preset is named, then the error lists the valid ones', () => {
    expect(problemsOf(() => resolvePolicy('bank'))).toEqual(['unknown preset "bank"; choose one of service, telecom, ecommerce']);
  });
});

describe('SLA policy overrides', () => {
  it('when an override changes one category\'s resolution, then only that budget changes', () => {
    const p = resolvePolicy('telecom', { categories: { billing: { resolution: { unit: 'hours', amount: 96 } } } });
    expect(resolveBudgets(p, 'billing', 'general')).toEqual({ firstContact: h(1), factCheck: h(24), resolution: h(96) });
    expect(resolveBudgets(p, 'contract', 'general').resolution).toEqual(h(48));
  });

  it('when an override edits a preset, then the shared preset data is not mutated', () => {
    resolvePolicy('service', { defaults: { resolution: wd(5) }, warning: { percent: 50 } });
    expect(PRESETS.service.defaults.resolution).toEqual(wd(3));
    expect(preset('service').warning.percent).toBe(80);
  });

  it('when the rules overlap, then flag > cell > category > severity > default', () => {
    const p = resolvePolicy('service', {
      severities: { major: { resolution: wd(7) } },
      categories: { safety: { resolution: wd(2) } },
      cells: { safety: { major: { resolution: wd(1) } } },
      flags: { urgent: { resolution: h(4) } },
    });
    expect(resolveBudgets(p, 'billing', 'general').resolution).toEqual(wd(3)); // default
    expect(resolveBudgets(p, 'billing', 'major').resolution).toEqual(wd(7)); // severity
    expect(resolveBudgets(p, 'safety', 'important').resolution).toEqual(wd(2)); // category beats default
    expect(resolveBudgets(p, 'safety', 'major').resolution).toEqual(wd(1)); // cell beats category and severity
    expect(resolveBudgets(p, 'safety', 'major', { urgent: true }).resolution).toEqual(h(4)); // flag beats all
  });

  it('when two flags are set, then the one listed later in the policy wins', () => {
    const p = resolvePolicy('ecommerce', { flags: { vip: { resolution: wd(1) } } });
    expect(resolveBudgets(p, 'other', 'general', { vip: true, needsAppraisal: true }).resolution).toEqual(wd(1));
  });

  it('when an override sets part of the warning rule, then the other part is kept', () => {
    const p = resolvePolicy('service', { warning: { leadHours: 4 } });
    expect(p.warning).toEqual({ percent: 80, leadHours: 4 });
  });

  it('when an override has a typo, an unknown category or a bad unit, then each problem is named by its path', () => {
    const problems = problemsOf(() =>
      resolvePolicy('telecom', {
        categories: { billing: { resolutoin: h(1) }, shipping: {} },
        defaults: { factCheck: { unit: 'days', amount: 1 } },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^categories\.billing: Unrecognized key: "resolutoin"$/),
        expect.stringMatching(/^categories: Unrecognized key: "shipping" \(categories are product_quality, /),
        expect.stringMatching(/^defaults\.factCheck\.unit: .*"hours"\|"workingHours"\|"workingDays"/),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('when an amount is not positive or too large, then it is refused', () => {
    expect(problemsOf(() => resolvePolicy('service', { defaults: { firstContact: h(0) } }))).toEqual([
      expect.stringMatching(/^defaults\.firstContact\.amount: Too small/),
    ]);
    expect(problemsOf(() => resolvePolicy('service', { defaults: { resolution: wd(400) } }))).toEqual([
      'defaults.resolution.amount: at most 366 workingDays',
    ]);
    expect(problemsOf(() => resolvePolicy('service', { defaults: { resolution: { unit: 'hours' } } }))).toEqual([
      expect.stringMatching(/^defaults\.resolution\.amount: /),
    ]);
  });

  it('when the warning rule or the counting mode is out of range, then it is refused', () => {
    expect(problemsOf(() => resolvePolicy('service', { warning: { percent: 0 } }))[0]).toMatch(/^warning\.percent: /);
    expect(problemsOf(() => resolvePolicy('service', { warning: { percent: 150 } }))[0]).toMatch(/^warning\.percent: /);
    expect(problemsOf(() => resolvePolicy('service', { warning: { leadHours: -1 } }))[0]).toMatch(/^warning\.leadHours: /);
    expect(problemsOf(() => resolvePolicy('service', { workingDayCount: 'calendarDays' }))[0]).toMatch(/^workingDayCount: /);
  });

  it('when the override is not an object or names a bad flag, then it is refused', () => {
    expect(problemsOf(() => resolvePolicy('service', 'fast please'))).toEqual([expect.stringMatching(/^\(root\): .*expected object/)]);
    expect(problemsOf(() => resolvePolicy('service', { flags: { 'needs appraisal': {} } }))[0]).toMatch(/^flags\.needs appraisal: /);
    expect(problemsOf(() => resolvePolicy('service', { cells: { billing: { urgent: {} } } }))[0]).toMatch(/^cells\.billing: Unrecognized key: "urgent"/);
  });

  it('when a complete policy is validated, then a missing default budget is refused', () => {
    const broken = structuredClone(PRESETS.service) as unknown as { defaults: Record<string, unknown> };
    delete broken.defaults.factCheck;
    expect(() => validatePolicy(broken)).toThrow(/defaults\.factCheck: /);
  });

  it('when the override comes from a JSON file, then it is applied, and a broken file is named in the error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-policy-'));
    try {
      const good = path.join(dir, 'sla.json');
      fs.writeFileSync(good, JSON.stringify({ severities: { important: { resolution: wd(5) } } }));
      const p = loadPolicy({ preset: 'service', overrideFile: good });
      expect(resolveBudgets(p, 'billing', 'important').resolution).toEqual(wd(5));
      expect(loadPolicy({ preset: 'telecom' }).name).toBe('telecom');

      const broken = path.join(dir, 'broken.json');
      fs.writeFileSync(broken, '{ "severities": ');
      expect(() => loadPolicy({ overrideFile: broken })).toThrow(new RegExp(`override file ${broken}[\\s\\S]*cannot read it as JSON`));

      const invalid = path.join(dir, 'invalid.json');
      fs.writeFileSync(invalid, JSON.stringify({ warning: { percent: 'eighty' } }));
      expect(() => loadPolicy({ overrideFile: invalid })).toThrow(new RegExp(`override file ${invalid}[\\s\\S]*warning\\.percent`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
