import { svg } from 'lit';

/**
 * The brand mark. Row icons are CSS masks (see styles.css `.icon-*`) rather than inline SVG: a 1,000-task list would
 * otherwise carry some 25,000 extra SVG nodes to style and lay out.
 */
export const logoIcon = svg`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M3.5 8.5l3 3 6-7"/></svg>`;
