/** Whether a query failed on a unique (`23505`) or foreign-key (`23503`) constraint. */
export function violated(error: unknown, constraint: 'unique' | 'foreign-key'): boolean {
  return (error as { code?: string }).code === (constraint === 'unique' ? '23505' : '23503');
}
