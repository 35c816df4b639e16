/** Defaults overlaid with the caller's options: each default's type widens to what the caller may pass. */
export type WithDefaults<D, O> = Omit<O, keyof D> & { [K in keyof D]: K extends keyof O ? Exclude<O[K], undefined> | D[K] : D[K] };

/**
 * `{ ...defaults, ...options }` that ignores options explicitly set to `undefined`, so `{ port: undefined }` means
 * "the default" rather than overwriting it.
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): WithDefaults<D, O> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...defaults, ...defined } as WithDefaults<D, O>;
}
