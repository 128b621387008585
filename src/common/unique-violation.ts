/** The PostgreSQL error fields a failed query carries: TypeORM's QueryFailedError copies them, pg's own error has them. */
function pgError(error: unknown): { code?: unknown; constraint?: unknown } | undefined {
  const candidate = error as {
    code?: unknown;
    constraint?: unknown;
    driverError?: { code?: unknown; constraint?: unknown };
  };
  return candidate?.driverError ?? candidate;
}

/** The name of the unique constraint (or index) a PostgreSQL error broke (SQLSTATE 23505), else undefined. */
export function uniqueViolation(error: unknown): string | undefined {
  const source = pgError(error);
  if (source?.code !== '23505') return undefined;
  return typeof source.constraint === 'string' ? source.constraint : '';
}

/** SQLSTATEs per constraint kind: a foreign key declared ON DELETE RESTRICT reports `23001` on PostgreSQL 17 (PGlite). */
const VIOLATION_CODES = { unique: ['23505'], 'foreign-key': ['23503', '23001'] } as const;

/** Whether a query failed on a unique or foreign-key constraint. */
export function violated(error: unknown, constraint: 'unique' | 'foreign-key'): boolean {
  const code = pgError(error)?.code;
  return typeof code === 'string' && (VIOLATION_CODES[constraint] as readonly string[]).includes(code);
}

/**
 * Runs `work`; a unique violation of one of `constraints` becomes the DomainError that constraint names. For a
 * check-then-insert that races another request: the check answers the common case, this the rare loser.
 */
export async function mapUniqueViolations<T>(
  work: () => Promise<T>,
  constraints: Record<string, () => Error>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const constraint = uniqueViolation(error);
    const mapped = constraint === undefined ? undefined : constraints[constraint];
    if (mapped) throw mapped();
    throw error;
  }
}
