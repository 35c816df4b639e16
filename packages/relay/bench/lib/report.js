// @ts-check
// The markdown report: every figure per relay, Concord's ratio to each peer, and the issue's targets.
import process from 'node:process';
import os from 'node:os';
import { GOALS } from './goals.js';

/**
 * @typedef {import('../scenarios/types.js').Metric} Metric
 * @typedef {import('../servers/targets.js').Target} Target
 * @typedef {{ metrics: Map<string, Metric>, notes: string[] }} Results
 *   metrics keyed by `${key}|${targetId}`, value already the median over runs
 */

/**
 * @param {number | null | undefined} value
 * @param {number} [digits]
 */
const show = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));

/**
 * @param {Metric | undefined} ours
 * @param {Metric | undefined} theirs
 */
function ratio(ours, theirs) {
  if (ours?.value == null || theirs?.value == null) return '–';
  if (theirs.value === 0) return ours.value === 0 ? '=' : '–';
  return `${(ours.value / theirs.value).toFixed(2)}×`;
}

/**
 * @param {{ date: string, kind: 'full' | 'smoke' | 'partial', runs: number, targets: Target[], results: Results, keys: Metric[] }} input
 */
export function renderReport({ date, kind, runs, targets, results, keys }) {
  const cell = (/** @type {string} */ key, /** @type {string} */ id) => results.metrics.get(`${key}|${id}`);
  const peers = targets.filter((t) => t.peer);
  const concord = targets.find((t) => !t.peer);
  const lines = [
    `# Concord relay benchmark, ${date} (${kind})`,
    '',
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      `${runs === 1 ? 'One run' : `Median of ${runs} runs`}; every relay on 127.0.0.1 in a fresh process with a fresh data directory. ` +
      'Absolute times are noisy on this kind of machine: compare ratios within this file, not across files. ' +
      `Load average when the report was written (1, 5, 15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (other work on the machine shows here).`,
    '',
    '## Figures',
    '',
    `| figure | unit | ${targets.map((t) => t.label).join(' | ')} |`,
    `|---|---|${targets.map(() => '---:').join('|')}|`,
    ...keys.map((m) => `| ${m.label} | ${m.unit} | ${targets.map((t) => show(cell(m.key, t.id)?.value, m.digits)).join(' | ')} |`),
  ];
  if (concord !== undefined) {
    lines.push(
      '',
      '## Concord ÷ each peer',
      '',
      'Below 1× is better for Concord, except for deliveries per second, where above 1× is better.',
      '',
      `| figure | ${peers.map((t) => t.label).join(' | ')} |`,
      `|---|${peers.map(() => '---:').join('|')}|`,
      ...keys.map((m) => `| ${m.label} | ${peers.map((p) => ratio(cell(m.key, concord.id), cell(m.key, p.id))).join(' | ')} |`),
      '',
      '## Targets of issue 6',
      '',
      '| target | Concord | verdict |',
      '|---|---|---|',
      ...GOALS.map((goal) => {
        const { verdict, detail } = goal.check((key, id) => cell(key, id)?.value ?? null);
        return `| ${goal.text} | ${detail} | ${verdict} |`;
      }),
    );
  }
  if (results.notes.length > 0) lines.push('', '## Notes', '', ...results.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
