import { expectedCalibrationError, fitTemperature, negativeLogLikelihood, reliabilityTable } from '../../../src/nlp/calibration';
import { createRandom } from '../../../src/nlp/random';

/** Labels drawn from softmax(z); the model reports z × scale (over-confident when scale > 1). */
function synthetic(scale: number, n = 4000) {
  const random = createRandom(7);
  const logits: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = [random() * 4 - 2, random() * 4 - 2, random() * 4 - 2];
    const e = z.map(Math.exp);
    const sum = e.reduce((a, b) => a + b, 0);
    let r = random() * sum;
    let k = 0;
    while (k < 2 && r > (e[k] as number)) r -= e[k++] as number;
    labels.push(k);
    logits.push(z.map((v) => v * scale));
  }
  return { logits, labels };
}

describe('calibration', () => {
  it('when logits are three times too confident, then the fitted temperature is about 3', () => {
    const { logits, labels } = synthetic(3);
    expect(fitTemperature(logits, labels)).toBeGreaterThan(2.6);
    expect(fitTemperature(logits, labels)).toBeLessThan(3.4);
  });

  it('when the fitted temperature is applied, then the likelihood is better than without it', () => {
    const { logits, labels } = synthetic(3);
    const t = fitTemperature(logits, labels);
    expect(negativeLogLikelihood(logits, labels, t)).toBeLessThan(negativeLogLikelihood(logits, labels, 1));
  });

  it('when predictions fall into bins, then each bin reports its count, mean confidence and accuracy', () => {
    const bins = reliabilityTable([0.05, 0.15, 0.95, 0.91], [false, true, true, false], 10);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toMatchObject({ count: 1, accuracy: 0 });
    expect(bins[1]).toMatchObject({ count: 1, accuracy: 1 });
    expect(bins[9]?.count).toBe(2);
    expect(bins[9]?.meanConfidence).toBeCloseTo(0.93, 10);
    expect(bins[9]?.accuracy).toBe(0.5);
    expect(bins[5]?.count).toBe(0);
  });

  it('when confidence matches accuracy in every bin, then the expected calibration error is 0, and it grows with the gap', () => {
    expect(expectedCalibrationError(reliabilityTable([0.75, 0.75, 0.75, 0.75], [true, true, true, false]))).toBeCloseTo(0, 10);
    expect(expectedCalibrationError(reliabilityTable([0.95, 0.95], [true, false]))).toBeCloseTo(0.45, 10);
  });
});
