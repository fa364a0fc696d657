import fs from 'node:fs';
import { applyOverride, validatePolicy, SlaPolicyError, type Budget, type SlaPolicy, type WarningRule } from './policy';

/**
 * The three SLA presets of DESIGN §2, as data. A deployment picks one by name and may edit it
 * with an override (see applyOverride / loadPolicy).
 */

const hours = (amount: number): Budget => ({ unit: 'hours', amount });
const workingDays = (amount: number): Budget => ({ unit: 'workingDays', amount });

/** Default warning: 80 % of the window or 2 (working) hours before the deadline, whichever is first. */
export const DEFAULT_WARNING: WarningRule = { percent: 80, leadHours: 2 };

/**
 * `service` [003][004] (default): first contact 1 h, fact check 24 h; resolution 3 working days
 * for general and important complaints, 7 working days for major ones (management review).
 */
const service: SlaPolicy = {
  name: 'service',
  description: 'Service organisations [003][004]: 1 h / 24 h / 3 working days (major: 7 working days)',
  defaults: { firstContact: hours(1), factCheck: hours(24), resolution: workingDays(3) },
  severities: { major: { resolution: workingDays(7) } },
  categories: {},
  cells: {},
  flags: {},
  warning: DEFAULT_WARNING,
  workingDayCount: 'fromFiling',
};

/**
 * `telecom` [002], all clock hours: first contact 1 h; resolution service_quality 48 h, billing
 * 72 h, contract (業務辦理) 48 h, all others 72 h ("一般不超過72小時"). The source sets a 24 h
 * initial investigation only for service quality; this preset uses 24 h for every category, since a
 * fact check must end well inside the shortest resolution window (48 h) and 24 h is what the other
 * sources [003] require.
 */
const telecom: SlaPolicy = {
  name: 'telecom',
  description: 'Telecom operators [002]: clock hours; resolution 48 h (service quality, contract) or 72 h',
  defaults: { firstContact: hours(1), factCheck: hours(24), resolution: hours(72) },
  severities: {},
  categories: {
    service_quality: { resolution: hours(48) },
    billing: { resolution: hours(72) },
    contract: { resolution: hours(48) },
  },
  cells: {},
  flags: {},
  warning: DEFAULT_WARNING,
  workingDayCount: 'fromFiling',
};

/**
 * `ecommerce` [001][004]: first contact 1 h, fact check (on-site handling / appraisal start) 24 h,
 * resolution 3 working days; 7 working days for quality-appraisal cases. An appraisal (鑒定) is a
 * handling decision, not something the classifier can see, so it is an explicit flag the caller
 * passes: `flags: { needsAppraisal: true }`.
 */
const ecommerce: SlaPolicy = {
  name: 'ecommerce',
  description: 'E-commerce platforms [001][004]: 1 h / 24 h / 3 working days (appraisal: 7 working days)',
  defaults: { firstContact: hours(1), factCheck: hours(24), resolution: workingDays(3) },
  severities: {},
  categories: {},
  cells: {},
  flags: { needsAppraisal: { resolution: workingDays(7) } },
  warning: DEFAULT_WARNING,
  workingDayCount: 'fromFiling',
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The preset data, frozen: use preset() / resolvePolicy() for an editable copy. */
export const PRESETS = deepFreeze({ service, telecom, ecommerce } as const);
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
export const DEFAULT_PRESET: PresetName = 'service';

export function isPresetName(v: unknown): v is PresetName {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(PRESETS, v);
}

/** A fresh, validated copy of a preset (callers may not mutate the shared data). */
export function preset(name: string = DEFAULT_PRESET): SlaPolicy {
  if (!isPresetName(name)) {
    throw new SlaPolicyError('preset', [`unknown preset "${name}"; choose one of ${PRESET_NAMES.join(', ')}`]);
  }
  return validatePolicy(structuredClone(PRESETS[name]), `preset ${name}`);
}

/** A preset with an optional override object applied, validated. */
export function resolvePolicy(name: string = DEFAULT_PRESET, override?: unknown): SlaPolicy {
  const base = preset(name);
  return override === undefined ? base : applyOverride(base, override, `override of preset ${name}`);
}

/** A preset with the override read from a JSON file (config names the file). */
export function loadPolicy(options: { preset?: string | undefined; overrideFile?: string | undefined } = {}): SlaPolicy {
  const name = options.preset ?? DEFAULT_PRESET;
  if (!options.overrideFile) return resolvePolicy(name);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(options.overrideFile, 'utf8'));
  } catch (err) {
    throw new SlaPolicyError(`override file ${options.overrideFile}`, [`cannot read it as JSON: ${(err as Error).message}`], {
      cause: err,
    });
  }
  return applyOverride(preset(name), data, `override file ${options.overrideFile}`);
}
