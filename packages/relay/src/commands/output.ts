/** Where a command writes: results to `out` (stdout), progress to `progress` (stderr). */
export interface Output {
  out(text: string | Uint8Array): void;
  progress(text: string): void;
}
