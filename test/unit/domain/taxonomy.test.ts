import { maxSeverity, raiseSeverity, isCategory } from '../../../src/domain/taxonomy';

describe('taxonomy', () => {
  it('when two severities are compared, then the higher wins', () => {
    expect(maxSeverity('general', 'major')).toBe('major');
    expect(maxSeverity('important', 'general')).toBe('important');
  });
  it('when severity is raised, then it goes one level up and stops at major', () => {
    expect(raiseSeverity('general')).toBe('important');
    expect(raiseSeverity('important')).toBe('major');
    expect(raiseSeverity('major')).toBe('major');
  });
  it('when an unknown category is checked, then it is refused', () => {
    expect(isCategory('billing')).toBe(true);
    expect(isCategory('$where')).toBe(false);
  });
});
