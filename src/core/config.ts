import type { Severity } from './types';

/** What a user may say of one rule: turn it off, or set its severity. */
export type RuleSetting = 'off' | Severity;

export interface Config {
  /** rule id → setting; rules not named keep their default (on, with the doc's severity). */
  rules: Record<string, RuleSetting>;
  /** Globs (relative to the workspace root) whose files are not analysed. Adapters apply them. */
  exclude: string[];
}

export interface ConfigProblem {
  message: string;
}

export const emptyConfig = (): Config => ({ rules: {}, exclude: [] });

const SETTINGS: readonly string[] = ['off', 'info', 'warning', 'error'];

/**
 * Validates a parsed `.gopitfalls.json` value (or the equivalent VS Code setting object).
 * Unknown keys, unknown rule ids and wrong types are reported, never silently ignored; what is valid
 * is still used.
 */
export function validateConfig(value: unknown, knownRuleIds: ReadonlySet<string>, source = '.gopitfalls.json'): {
  config: Config;
  problems: ConfigProblem[];
} {
  const config = emptyConfig();
  const problems: ConfigProblem[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ message: `${source}: expected a JSON object at the top level` });
    return { config, problems };
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'rules') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        problems.push({ message: `${source}: "rules" must be an object of rule id → "off" | "info" | "warning" | "error"` });
        continue;
      }
      for (const [id, setting] of Object.entries(v as Record<string, unknown>)) {
        if (!knownRuleIds.has(id)) {
          problems.push({ message: `${source}: unknown rule id "${id}" in "rules"` });
          continue;
        }
        if (typeof setting !== 'string' || !SETTINGS.includes(setting)) {
          problems.push({
            message: `${source}: rules["${id}"] must be one of "off", "info", "warning", "error" (got ${JSON.stringify(setting)})`,
          });
          continue;
        }
        config.rules[id] = setting as RuleSetting;
      }
    } else if (key === 'exclude') {
      if (!Array.isArray(v) || v.some((g) => typeof g !== 'string')) {
        problems.push({ message: `${source}: "exclude" must be an array of glob strings` });
        continue;
      }
      config.exclude = v as string[];
    } else if (key === '$schema') {
      // allowed, ignored
    } else {
      problems.push({ message: `${source}: unknown key "${key}" (expected "rules" or "exclude")` });
    }
  }
  return { config, problems };
}

/** Parses the text of a config file; JSON syntax errors become a problem, not an exception. */
export function parseConfigText(text: string, knownRuleIds: ReadonlySet<string>, source = '.gopitfalls.json') {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      config: emptyConfig(),
      problems: [{ message: `${source}: not valid JSON (${(e as Error).message}); using defaults` }],
    };
  }
  return validateConfig(value, knownRuleIds, source);
}
