/**
 * The extension's settings: their manifest contribution (generated from the rule docs, checked against
 * package.json by a test), reading them, and merging them with `.gopitfalls.json`. Pure.
 *
 * Merge (documented in the README): for each rule, `.gopitfalls.json`'s `rules` entry wins over the
 * `gopitfalls.rules` setting, which wins over the rule's default; `exclude` globs of both apply (a file
 * is skipped when either excludes it: the setting's globs are relative to the workspace folder, the
 * file's to its own directory). `enable`, `run` and `maxFileSize` exist only as settings.
 */
import type { RuleDoc } from '../core/rule-doc';
import { validateConfig, type Config, type RuleSetting } from '../core/config';
import { DEFAULT_EDITOR_MAX_FILE_SIZE } from '../core/input-checks';

export const SECTION = 'gopitfalls';
export type RunMode = 'onType' | 'onSave';

export interface Settings {
  enable: boolean;
  rules: Record<string, RuleSetting>;
  run: RunMode;
  /** Files with more characters than this are not analysed. */
  maxFileSize: number;
  exclude: string[];
}

export const DEFAULT_MAX_FILE_SIZE = DEFAULT_EDITOR_MAX_FILE_SIZE;

/**
 * Reads the settings through `get` (WorkspaceConfiguration.get of the `gopitfalls` section). Invalid
 * values fall back to the default and are reported, never thrown.
 */
export function readSettings(get: (key: string) => unknown, knownRuleIds: ReadonlySet<string>): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const enable = get('enable');
  const run = get('run');
  const maxFileSize = get('maxFileSize');
  const { config, problems: p } = validateConfig(
    { rules: get('rules') ?? {}, exclude: get('exclude') ?? [] },
    knownRuleIds,
    'settings (gopitfalls.*)',
  );
  problems.push(...p.map((x) => x.message));
  if (enable !== undefined && typeof enable !== 'boolean') problems.push('settings: gopitfalls.enable must be true or false');
  if (run !== undefined && run !== 'onType' && run !== 'onSave') problems.push('settings: gopitfalls.run must be "onType" or "onSave"');
  const size = typeof maxFileSize === 'number' && Number.isFinite(maxFileSize) && maxFileSize > 0 ? maxFileSize : DEFAULT_MAX_FILE_SIZE;
  if (maxFileSize !== undefined && size !== maxFileSize) problems.push('settings: gopitfalls.maxFileSize must be a positive number');
  return {
    settings: {
      enable: enable !== false,
      rules: config.rules,
      run: run === 'onSave' ? 'onSave' : 'onType',
      maxFileSize: size,
      exclude: config.exclude,
    },
    problems,
  };
}

/** The engine config of one file: the settings' rules under the config file's (the file wins per rule). */
export function mergeRules(settings: Pick<Settings, 'rules'>, file: Config | undefined): Config {
  return { rules: { ...settings.rules, ...(file?.rules ?? {}) }, exclude: [...(file?.exclude ?? [])] };
}

const SEVERITY_ENUM = ['off', 'info', 'warning', 'error'];

/** `contributes.configuration` for package.json, from the rule docs. */
export function configurationContribution(docs: Readonly<Record<string, RuleDoc>>) {
  const ruleProps: Record<string, unknown> = {};
  for (const id of Object.keys(docs).sort()) {
    const d = docs[id]!;
    ruleProps[id] = {
      type: 'string',
      enum: SEVERITY_ENUM,
      description: `${d.title} (default: ${d.severity}).`,
    };
  }
  return {
    title: 'Go Concurrency Pitfalls',
    properties: {
      'gopitfalls.enable': {
        type: 'boolean',
        default: true,
        order: 0,
        description: 'Analyse Go files for concurrency pitfalls.',
      },
      'gopitfalls.run': {
        type: 'string',
        enum: ['onType', 'onSave'],
        enumDescriptions: ['Analyse unsaved text on every edit.', 'Analyse when a file is opened or saved.'],
        default: 'onType',
        order: 1,
        description: 'When open files are analysed.',
      },
      'gopitfalls.rules': {
        type: 'object',
        default: {},
        order: 2,
        markdownDescription:
          'Per-rule setting: `off`, or the severity to report with (`info`, `warning`, `error`). A `rules` entry in the workspace\'s `.gopitfalls.json` wins over this setting for the same rule.',
        properties: ruleProps,
        additionalProperties: false,
      },
      'gopitfalls.exclude': {
        type: 'array',
        items: { type: 'string' },
        default: [],
        order: 3,
        markdownDescription:
          'Glob patterns, relative to the workspace folder, of files not to analyse (e.g. `gen/**`, `**/*_mock.go`). The `exclude` globs of `.gopitfalls.json` apply as well.',
      },
      'gopitfalls.hover.primitives': {
        type: 'boolean',
        default: true,
        order: 5,
        markdownDescription:
          'Short teaching hovers (one line and a link to the Q&A) on concurrency primitives such as `go`, `select`, `close`, `sync.WaitGroup`, `time.After` and `context.WithTimeout`, even where nothing is wrong.',
      },
      'gopitfalls.maxFileSize': {
        type: 'number',
        default: DEFAULT_MAX_FILE_SIZE,
        minimum: 1,
        order: 4,
        description: 'Files longer than this many characters are not analysed.',
      },
    },
  };
}
