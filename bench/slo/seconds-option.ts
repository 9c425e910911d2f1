// A duration option of the SLO bench (--point-s, --overload-s): a positive number of seconds, or a clear error.

/** The seconds in `value` (an option's text), undefined when it is not given; throws when it is not positive. */
export function positiveSeconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = Number(value);
  if (!(s > 0)) throw new Error(`--${name} must be a positive number of seconds`);
  return s;
}
