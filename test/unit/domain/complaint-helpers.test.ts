import { categoryFloor, detectLanguage, hashLookupCode, localYear, newLookupCode, ruleFloor } from '../../../src/domain/file-complaint';
import { parseComplaintInput } from '../../../src/domain/complaint-input';
import { ValidationError } from '../../../src/domain/errors';
import { formatTicketNumber, parseTicketNumber } from '../../../src/domain/ticket';
import type { Classification } from '../../../src/domain/classification';

const base: Classification = {
  category: 'billing',
  severity: 'general',
  confidence: 0.9,
  highRisk: false,
  reasons: [],
  candidates: [],
  modelVersion: 't',
};

describe('complaint helpers', () => {
  it('when ticket numbers are formatted and parsed, then year and 6-digit sequence round-trip', () => {
    expect(formatTicketNumber(2026, 123)).toBe('2026000123');
    expect(parseTicketNumber('2026000123')).toEqual({ year: 2026, seq: 123 });
    expect(parseTicketNumber('2026000000')).toBeNull();
    expect(parseTicketNumber('202600012')).toBeNull();
    expect(() => formatTicketNumber(2026, 1_000_000)).toThrow(RangeError);
  });

  it('when the year is taken in Shanghai, then 23 Dec 31 UTC 16:30 is already the next year', () => {
    const instant = new Date('2025-12-31T16:30:00Z');
    expect(localYear(instant, 'Asia/Shanghai')).toBe(2026);
    expect(localYear(instant, 'UTC')).toBe(2025);
  });

  it('when rules raised or held severity, then the floor is the highest rule target and other reasons do not count', () => {
    expect(ruleFloor(base)).toBe('general');
    expect(
      ruleFloor({
        ...base,
        reasons: [
          { rule: 'severity.threat', effect: 'severity general→important', evidence: ['12315'], floor: 'important' },
          { rule: 'severity.harm', effect: 'severity important (already ≥ major)', evidence: ['fire'], floor: 'major' },
          { rule: 'risk.anger', effect: 'highRisk', evidence: ['scam'] },
        ],
      }),
    ).toBe('major');
    expect(ruleFloor({ ...base, reasons: [{ rule: 'category.safety_hazard', effect: 'category product_quality→safety', evidence: ['fire'] }] })).toBe('general');
  });

  it('when the category is safety, then severity is at least important whoever chose it', () => {
    expect(categoryFloor('safety')).toBe('important');
    expect(categoryFloor('billing')).toBe('general');
  });

  it('when text is mostly Chinese or mostly Latin, then the language follows', () => {
    expect(detectLanguage('我的订单 A-123 没有发货')).toBe('zh');
    expect(detectLanguage('My order has not shipped')).toBe('en');
    expect(detectLanguage('iPhone 屏幕坏了')).toBe('zh');
  });

  it('when lookup codes are made, then they are 10 unambiguous characters and hash case-insensitively', () => {
    const code = newLookupCode();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    expect(hashLookupCode(code.toLowerCase())).toBe(hashLookupCode(code));
    expect(newLookupCode()).not.toBe(code);
  });

  it('when input has unknown fields at two levels, then each is named', () => {
    let err: unknown;
    try {
      parseComplaintInput({ description: 'x', customer: { phone: '13812345678', age: 3 }, colour: 'red' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const fields = (err as ValidationError).problems.map((p) => p.field).sort();
    expect(fields).toEqual(['colour', 'customer.age']);
  });

  it('when a valid input is parsed, then defaults are filled and dates coerced', () => {
    const parsed = parseComplaintInput({ description: ' kettle broke ', customer: { email: 'a@b.cn' }, occurredAt: '2026-11-20' });
    expect(parsed.description).toBe('kettle broke');
    expect(parsed.channel).toBe('api');
    expect(parsed.evidence).toEqual([]);
    expect(parsed.occurredAt).toBeInstanceOf(Date);
  });
});
