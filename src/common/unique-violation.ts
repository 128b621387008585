/** The name of the unique constraint (or index) a PostgreSQL error broke (SQLSTATE 23505), else undefined. */
export function uniqueViolation(error: unknown): string | undefined {
  // TypeORM wraps the driver's error in a QueryFailedError and copies its fields; pg's own error has them too.
  const candidate = error as {
    code?: unknown;
    constraint?: unknown;
    driverError?: { code?: unknown; constraint?: unknown };
  };
  const source = candidate?.driverError ?? candidate;
  if (source?.code !== '23505') return undefined;
  return typeof source.constraint === 'string' ? source.constraint : '';
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
