// @ts-check
// The contract every scenario follows, so that adding S5 or S6 is one new module and one line in index.js.

/**
 * @typedef {object} Metric
 * @property {string} key stable identifier, used by the report and the targets
 * @property {string} label row heading in the report
 * @property {string} unit
 * @property {number | null} value null when the figure does not exist for this relay (never synced, etc.)
 * @property {'lower' | 'higher'} [better] which way is better, for the ratios; default 'lower'
 * @property {number} [digits] decimals shown
 */

/**
 * @typedef {object} Outcome
 * @property {Metric[]} metrics
 * @property {string[]} failures convergence or correctness problems that must fail the run
 * @property {string[]} [notes] lines for the report's notes (what a figure alone does not show)
 */

/**
 * @typedef {object} Scenario
 * @property {string} id 'S1', 'S2', …
 * @property {string} title
 * @property {(target: import('../servers/targets.js').Target) => boolean} appliesTo
 * @property {(target: import('../servers/targets.js').Target, smoke: boolean) => Promise<Outcome>} run
 * @property {() => number} [timeoutMs] how long one run on one relay may take before it counts as hung (default 240 s)
 */

export {};
