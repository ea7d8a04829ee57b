import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGithub } from '../../src/cli/formatters/github';
import { formatJson } from '../../src/cli/formatters/json';
import { formatSarif } from '../../src/cli/formatters/sarif';
import { formatText } from '../../src/cli/formatters/text';
import { displayPath, type Report } from '../../src/cli/report';
import { ruleDocs } from '../../src/generated/rule-docs';
import type { Finding, Span } from '../../src/core/types';
import { sarifErrors, sarifValid } from './helpers';

const span = (l1: number, c1: number, l2: number, c2: number): Span => ({
  start: { line: l1, character: c1, offset: 0 },
  end: { line: l2, character: c2, offset: 0 },
});

const wg: Finding = {
  ruleId: 'waitgroup-add-in-goroutine',
  severity: 'warning',
  message: 'wg.Add called inside the goroutine it counts',
  span: span(7, 2, 7, 11),
  related: [{ span: span(6, 1, 9, 4), message: 'the goroutine is started here' }],
  fixes: [
    {
      title: 'Move wg.Add before the go statement',
      safety: 'safe',
      edits: [
        { start: 60, end: 60, newText: '\twg.Add(1)\n' },
        { start: 73, end: 85, newText: '' },
      ],
    },
  ],
};
const info: Finding = {
  ruleId: 'time-after-in-loop',
  severity: 'info',
  message: 'time.After in a loop: 100% new timers, each pass',
  span: span(0, 4, 1, 2),
  related: [],
  fixes: [],
};
const err: Finding = {
  ruleId: 'copied-lock',
  severity: 'error',
  message: 'f passes lock by value: T contains sync.Mutex',
  // a line with "é𝒳" before the range: UTF-16 columns count 𝒳 as two units
  span: span(2, 20, 2, 23),
  related: [],
  fixes: [{ title: 'Pass a pointer', safety: 'unsafe', edits: [{ start: 5, end: 6, newText: '*T' }] }],
};

const report = (): Report => ({
  version: '9.8.7',
  cwd: '/work/proj',
  findings: [
    { path: 'pkg/a.go', finding: wg, bom: false },
    { path: 'pkg/b.go', finding: info, bom: false },
    { path: 'z é.go', finding: err, bom: true },
  ],
  errors: [{ path: 'broken/x.go', message: 'permission denied' }],
  filesAnalysed: 4,
  filesWithSyntaxErrors: 1,
  ruleIds: ['copied-lock', 'time-after-in-loop', 'waitgroup-add-in-goroutine'],
});

test('text: clickable path:line:col lines, related notes, a summary', () => {
  assert.equal(
    formatText(report(), { color: false }),
    [
      'pkg/a.go:8:3: warning waitgroup-add-in-goroutine: wg.Add called inside the goroutine it counts',
      '  pkg/a.go:7:2: note: the goroutine is started here',
      'pkg/b.go:1:5: info time-after-in-loop: time.After in a loop: 100% new timers, each pass',
      'z é.go:3:21: error copied-lock: f passes lock by value: T contains sync.Mutex',
      '3 findings (1 error, 1 warning, 1 info) in 4 files; 1 file with syntax errors (nothing is reported inside them); 1 path could not be analysed (see standard error)',
      '',
    ].join('\n'),
  );
});

test('text: colour only when asked, and the same text without it', () => {
  const coloured = formatText(report(), { color: true });
  assert.match(coloured, /\x1b\[33mwarning\x1b\[0m/);
  assert.match(coloured, /\x1b\[31merror\x1b\[0m/);
  // eslint-disable-next-line no-control-regex
  assert.equal(coloured.replace(/\x1b\[\d+m/g, ''), formatText(report(), { color: false }));
  const empty = { ...report(), findings: [], errors: [], filesWithSyntaxErrors: 0, filesAnalysed: 1 };
  assert.equal(formatText(empty, { color: false }), 'no findings in 1 file\n');
});

test('json: the exact shape the evaluation scripts read', () => {
  const doc = JSON.parse(formatJson(report()));
  assert.deepEqual(Object.keys(doc), ['tool', 'version', 'findings', 'errors']);
  assert.deepEqual(doc.findings[0], {
    path: 'pkg/a.go',
    ruleId: 'waitgroup-add-in-goroutine',
    severity: 'warning',
    message: 'wg.Add called inside the goroutine it counts',
    line: 8,
    column: 3,
    endLine: 8,
    endColumn: 12,
    related: [{ path: 'pkg/a.go', line: 7, column: 2, message: 'the goroutine is started here' }],
    fixes: [{ title: 'Move wg.Add before the go statement', safety: 'safe' }],
  });
  assert.deepEqual(
    Object.keys(doc.findings[0]),
    ['path', 'ruleId', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn', 'related', 'fixes'],
  );
  assert.deepEqual(doc.findings[1].related, []);
  assert.deepEqual([doc.findings[2].line, doc.findings[2].column, doc.findings[2].endColumn], [3, 21, 24]);
  assert.equal(doc.tool, 'gopitfalls');
  assert.equal(doc.version, '9.8.7');
  assert.deepEqual(doc.errors, [{ path: 'broken/x.go', message: 'permission denied' }]);
});

test('github: one workflow command per finding, escaped per GitHub rules', () => {
  const r = report();
  r.findings[1] = { ...r.findings[1]!, path: 'a,b:c.go', finding: { ...info, message: '100% bad\r\nsecond line' } };
  assert.equal(
    formatGithub(r),
    [
      '::warning file=pkg/a.go,line=8,col=3,endLine=8,endColumn=12,title=waitgroup-add-in-goroutine::wg.Add called inside the goroutine it counts',
      '::notice file=a%2Cb%3Ac.go,line=1,col=5,endLine=2,endColumn=3,title=time-after-in-loop::100%25 bad%0D%0Asecond line',
      '::error file=z é.go,line=3,col=21,endLine=3,endColumn=24,title=copied-lock::f passes lock by value: T contains sync.Mutex',
      '::error file=broken/x.go,title=gopitfalls::cannot analyse broken/x.go: permission denied',
      '',
    ].join('\n'),
  );
});

test('sarif: valid against the SARIF 2.1.0 schema', () => {
  const log = JSON.parse(formatSarif(report()));
  assert.ok(sarifValid(log), sarifErrors());
  // the validator does reject a broken log
  delete log.runs[0].results[0].message;
  log.runs[0].results[1].level = 'fatal';
  assert.equal(sarifValid(log), false);
});

test('sarif: rules, indices, locations, related locations and fixes', () => {
  const log = JSON.parse(formatSarif(report()));
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, 'gopitfalls');
  assert.equal(run.tool.driver.version, '9.8.7');
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, 'file:///work/proj/');
  const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
  assert.deepEqual(ids, ['copied-lock', 'time-after-in-loop', 'waitgroup-add-in-goroutine']);
  for (const res of run.results) assert.equal(ids[res.ruleIndex], res.ruleId);
  const [a, b, z] = run.results;
  assert.deepEqual(a.locations[0].physicalLocation, {
    artifactLocation: { uri: 'pkg/a.go', uriBaseId: '%SRCROOT%' },
    region: { startLine: 8, startColumn: 3, endLine: 8, endColumn: 12 },
  });
  assert.equal(a.level, 'warning');
  assert.equal(b.level, 'note');
  assert.equal(z.level, 'error');
  assert.equal(a.relatedLocations[0].message.text, 'the goroutine is started here');
  assert.equal(a.relatedLocations[0].physicalLocation.region.startLine, 7);
  assert.equal(z.locations[0].physicalLocation.artifactLocation.uri, 'z%20%C3%A9.go');
  assert.equal(b.fixes, undefined);
  assert.deepEqual(a.fixes[0].artifactChanges[0].replacements, [
    { deletedRegion: { charOffset: 60, charLength: 0 }, insertedContent: { text: '\twg.Add(1)\n' } },
    { deletedRegion: { charOffset: 73, charLength: 12 } },
  ]);
  // the file on disk has a byte-order mark the analysed text left out
  assert.equal(z.fixes[0].artifactChanges[0].replacements[0].deletedRegion.charOffset, 6);
  assert.equal(run.invocations[0].toolExecutionNotifications[0].message.text, 'broken/x.go: permission denied');
});

test('sarif: a path outside the working directory is an absolute file URI', () => {
  const r = report();
  r.findings = [{ path: '../other/a.go', finding: wg, bom: false }];
  const log = JSON.parse(formatSarif(r));
  assert.ok(sarifValid(log), sarifErrors());
  assert.deepEqual(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation, { uri: 'file:///work/other/a.go' });
});

test('sarif: each documented rule carries its title, summary, help and default level', { skip: Object.keys(ruleDocs).length === 0 && 'no rule docs generated yet' }, () => {
  const r = report();
  r.ruleIds = Object.keys(ruleDocs).sort();
  const log = JSON.parse(formatSarif(r));
  assert.ok(sarifValid(log), sarifErrors());
  for (const rule of log.runs[0].tool.driver.rules) {
    const doc = ruleDocs[rule.id];
    if (!doc) continue;
    assert.equal(rule.shortDescription.text, doc.title);
    assert.equal(rule.fullDescription.text, doc.summary || doc.title);
    assert.equal(rule.help.markdown, doc.markdown);
    assert.equal(rule.defaultConfiguration.level, { error: 'error', warning: 'warning', info: 'note' }[doc.severity]);
  }
});

test('displayPath: relative with "/" under the working directory, absolute elsewhere', () => {
  assert.equal(displayPath('/w/p', '/w/p/a/b.go'), 'a/b.go');
  assert.equal(displayPath('/w/p', '/w/p'), '.');
  assert.equal(displayPath('/w/p', '/w/other/x.go'), '/w/other/x.go');
  assert.equal(displayPath('/w/p', '/w/p/..x/y.go'), '..x/y.go');
  assert.equal(displayPath('/w/p', '<stdin>'), '<stdin>');
});
