// Command-line numbers for the benchmarks: a bad value stops the bench with a clear message.

/** The flag's value as an integer from 1 to `max`; exits with status 2 naming the flag otherwise. */
export function positiveInt(name: string, text: string | undefined, max = Infinity): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    const range = max === Infinity ? "a positive integer" : `an integer from 1 to ${max}`;
    console.error(`--${name} must be ${range}, got ${text}`);
    process.exit(2);
  }
  return value;
}
