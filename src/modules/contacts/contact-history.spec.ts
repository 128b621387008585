import { importRoles } from './contact-history';

const roles = (map: Map<number, Set<string>>) => Object.fromEntries([...map].map(([id, set]) => [id, [...set].sort()]));

describe('importRoles', () => {
  it('does not count the creating import as an updater because it set both columns', () => {
    expect(roles(importRoles({ created_by_import_id: 7, updated_by_import_id: 7 }, []))).toEqual({ 7: ['created'] });
  });

  it('names the imports of the columns and of the history, once each', () => {
    const history = [
      { source: 'import', type: 'creation', operationId: 3 },
      { source: 'api', type: 'update', operationId: null },
      { source: 'import', type: 'update', operationId: 5 },
      { source: 'import', type: 'update', operationId: 3 },
      { source: 'import', type: 'update', operationId: 9 },
    ];
    expect(roles(importRoles({ created_by_import_id: 3, updated_by_import_id: 9 }, history))).toEqual({
      3: ['created', 'updated'],
      5: ['updated'],
      9: ['updated'],
    });
  });

  it('names none for a contact written only by the API', () => {
    expect(importRoles({ created_by_import_id: null, updated_by_import_id: null }, []).size).toBe(0);
  });
});
