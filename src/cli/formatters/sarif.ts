import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type * as Sarif from 'sarif';
import { ruleDocs } from '../../generated/rule-docs';
import type { Severity } from '../../core/types';
import { INFORMATION_URI, ruleDocUri } from '../meta';
import type { Report } from '../report';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};
const SRCROOT = '%SRCROOT%';

/** "copied-lock" → "CopiedLock": SARIF's name is an identifier-like rule name. */
const pascal = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** Under the working directory: relative to %SRCROOT%; elsewhere: an absolute file URI. */
function artifact(cwd: string, path: string): Sarif.ArtifactLocation {
  if (isAbsolute(path) || path === '..' || path.startsWith('../')) return { uri: pathToFileURL(resolve(cwd, path)).href };
  return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function rule(id: string): Sarif.ReportingDescriptor {
  const doc = ruleDocs[id];
  if (!doc) return { id, name: pascal(id), shortDescription: { text: id } };
  const helpUri = ruleDocUri(id, doc.engine);
  return {
    id,
    name: pascal(id),
    shortDescription: { text: doc.title },
    fullDescription: { text: doc.summary || doc.title },
    help: { text: doc.markdown, markdown: doc.markdown },
    defaultConfiguration: { level: LEVEL[doc.severity] },
    ...(helpUri ? { helpUri } : {}),
    properties: { category: doc.category, confidence: doc.confidence, tags: ['concurrency', doc.category].filter(Boolean) },
  };
}

/** SARIF 2.1.0 with one run; positions are 1-based with UTF-16 columns (columnKind utf16CodeUnits). */
export function formatSarif(report: Report): string {
  const ids = [...new Set([...report.ruleIds, ...report.findings.map((f) => f.finding.ruleId)])].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const results: Sarif.Result[] = report.findings.map(({ path, finding: f, bom }) => {
    const location = artifact(report.cwd, path);
    const region = (s: typeof f.span): Sarif.Region => ({
      startLine: s.start.line + 1,
      startColumn: s.start.character + 1,
      endLine: s.end.line + 1,
      endColumn: s.end.character + 1,
    });
    const result: Sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: region(f.span) } }],
    };
    if (f.related.length) {
      result.relatedLocations = f.related.map((r, i) => ({
        id: i + 1,
        message: { text: r.message },
        physicalLocation: { artifactLocation: location, region: region(r.span) },
      }));
    }
    if (f.fixes.length) {
      const shift = bom ? 1 : 0;
      result.fixes = f.fixes.map((x) => ({
        description: { text: x.title },
        artifactChanges: [
          {
            artifactLocation: location,
            replacements: x.edits.map((e) => ({
              deletedRegion: { charOffset: e.start + shift, charLength: e.end - e.start },
              ...(e.newText ? { insertedContent: { text: e.newText } } : {}),
            })),
          },
        ],
        properties: { safety: x.safety },
      }));
    }
    return result;
  });
  const driver: Sarif.ToolComponent = {
    name: 'gopitfalls',
    version: report.version,
    semanticVersion: report.version,
    ...(INFORMATION_URI ? { informationUri: INFORMATION_URI } : {}),
    rules: ids.map(rule),
  };
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(report.cwd).href.replace(/\/?$/, '/')}` } },
        invocations: [
          {
            executionSuccessful: report.filesAnalysed > 0 || report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              message: { text: `${e.path}: ${e.message}` },
              locations: [{ physicalLocation: { artifactLocation: artifact(report.cwd, e.path) } }],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
