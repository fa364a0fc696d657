import { lastFourDigits, maskContact, maskEmail, maskName, maskPhone } from '../../../src/domain/mask';

describe('masking customer contacts', () => {
  it('when a mainland mobile number is masked, then only the first 3 and last 4 digits remain', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('138-1234-5678')).toBe('138****5678');
  });
  it('when an international number is masked, then the country prefix and last 4 remain', () => {
    const masked = maskPhone('+44 7700 900123');
    expect(masked.startsWith('+44')).toBe(true);
    expect(masked.endsWith('0123')).toBe(true);
    expect(masked).not.toContain('7700');
  });
  it('when a short number is masked, then nothing of it is shown', () => {
    expect(maskPhone('1234')).toBe('****');
  });
  it('when an e-mail is masked, then only first letters and the top-level domain remain', () => {
    expect(maskEmail('zhang.san@example.com')).toBe('z***@e***.com');
    expect(maskEmail('not-an-email')).toBe('***');
  });
  it('when names are masked, then Chinese keeps the surname and Latin keeps initials', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('Alice Smith')).toBe('A*** S***');
    expect(maskName('  ')).toBe('');
  });
  it('when a contact is masked, then no original digits beyond the last four survive', () => {
    const out = maskContact({ phone: '13812345678', email: 'li@foo.cn' });
    expect(JSON.stringify(out)).not.toContain('1234567');
    expect(out.email).toBe('l***@f***.cn');
  });
  it('when the last four digits are asked for, then punctuation is ignored and short numbers give none', () => {
    expect(lastFourDigits('+86 138-1234-5678')).toBe('5678');
    expect(lastFourDigits('12')).toBeUndefined();
    expect(lastFourDigits(undefined)).toBeUndefined();
  });
});
