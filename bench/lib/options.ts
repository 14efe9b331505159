/**
 * Integer option from the command line (`--name N` or `--name=N`), else an environment variable,
 * else the default. Rejects values that are not integers in [min, max].
 */
export function intOption(
  name: string,
  envName: string | undefined,
  fallback: number,
  limits: { min?: number; max?: number } = {},
  argv: readonly string[] = process.argv.slice(2),
): number {
  const flag = `--${name}`;
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === flag) raw = argv[i + 1];
    else if (arg.startsWith(`${flag}=`)) raw = arg.slice(flag.length + 1);
  }
  if (raw === undefined && envName) raw = process.env[envName];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw.replace(/_/g, ""));
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = limits;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `${flag}${envName ? ` / ${envName}` : ""} must be an integer in [${min}, ${max}], got "${raw}"`,
    );
  }
  return value;
}

export function hasFlag(name: string, argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes(`--${name}`);
}
