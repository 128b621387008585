import {
  createContactField,
  createContactFieldValue,
  deleteContactField,
  deleteContactFieldValue,
  getBuiltinFields,
  getContactField,
  getContactFieldValues,
  getContactFields,
  getContact,
  updateContactField,
  updateContactFieldValue,
  upsertContact,
} from '../sdk';
import { startTestApp, TestAccount, TestApp } from './harness';

describe('fields', () => {
  let t: TestApp;
  let account: TestAccount;
  let client: ReturnType<TestApp['sdk']>;
  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Fields');
    client = t.sdk(account);
  });
  afterAll(async () => t.close());

  it('lists the built-in catalogue with formats and labels', async () => {
    const { data, response } = await getBuiltinFields({ client });
    expect(response.status).toBe(200);
    expect(data?.map((f) => f.key)).toEqual(
      expect.arrayContaining(['firstname', 'email', 'emailoptin', 'mobile', 'birthdate', 'importmodification']),
    );
    expect(data).toHaveLength(37);
    expect(data?.find((f) => f.key === 'email')).toEqual({
      key: 'email',
      format: 'Email',
      labelFr: 'Adresse e-mail',
      labelEn: 'Email address',
      readOnly: false,
    });
    expect(data?.filter((f) => f.readOnly).map((f) => f.key)).toEqual([
      'activity',
      'creationdate',
      'importcreation',
      'modificationdate',
      'importmodification',
    ]);
  });

  it('creates, reads, renames and deletes a custom field with the v4 shape', async () => {
    const created = await createContactField({
      client,
      body: { name: 'Anniversaire client', format: 'DateTime', description: 'Date du premier achat' },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toEqual({
      id: expect.any(Number),
      creationDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      description: 'Date du premier achat',
      format: 'DateTime',
      options: 'dd.mm.yyyy',
      name: 'Anniversaire client',
    });
    const id = created.data!.id;

    const one = await getContactField({ client, path: { id } });
    expect(one.data).toEqual(created.data);

    const renamed = await updateContactField({ client, body: { id, name: 'Premier achat', options: 'yyyy-mm-dd' } });
    expect(renamed.error).toBeUndefined();
    expect(renamed.data).toMatchObject({ id, name: 'Premier achat', options: 'yyyy.mm.dd', format: 'DateTime' });

    const formatChange = await updateContactField({ client, body: { id, format: 'Number' } });
    expect(formatChange.response.status).toBe(400);
    expect(formatChange.error).toMatchObject({ message: expect.stringContaining('format cannot change') });

    const all = await getContactFields({ client });
    expect(all.data?.map((f) => f.name)).toContain('Premier achat');

    const deleted = await deleteContactField({ client, path: { id } });
    expect(deleted.response.status).toBe(204);
    expect((await getContactField({ client, path: { id } })).response.status).toBe(404);
  });

  it('answers 409 on a duplicate name, ignoring case, and 400 on bad options', async () => {
    await createContactField({ client, body: { name: 'Ville natale', format: 'ShortText' } });
    const duplicate = await createContactField({ client, body: { name: 'VILLE NATALE', format: 'Number' } });
    expect(duplicate.response.status).toBe(409);
    expect(duplicate.error).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'FieldNameTaken',
      message: 'A field named "VILLE NATALE" already exists (names ignore case)',
    });
    const builtinName = await createContactField({ client, body: { name: 'Email', format: 'ShortText' } });
    expect(builtinName.response.status).toBe(409);

    const badOptions = await createContactField({
      client,
      body: { name: 'Choix', format: 'SingleSelection', options: 'maybe' },
    });
    expect(badOptions.response.status).toBe(400);
    expect(badOptions.error).toMatchObject({
      details: [{ field: 'options', message: expect.stringContaining('"true"') }],
    });

    const badFormat = await t.http
      .post('/api/rest/v4/account/contactattribute')
      .set('Authorization', account.auth)
      .send({ name: 'x', format: 'Colour' });
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.details[0]).toMatchObject({ field: 'format' });
  });

  it('keeps list values in order, inserting and moving by index', async () => {
    const field = await createContactField({
      client,
      body: { name: 'Pierres', format: 'MultipleSelection', options: 'true' },
    });
    const id = field.data!.id;
    expect(field.data?.options).toBe('true');
    for (const text of ['Perle', 'Diamant', 'Agathe']) {
      const added = await createContactFieldValue({ client, path: { id }, body: { text } });
      expect(added.response.status).toBe(201);
    }
    const rubis = await createContactFieldValue({ client, path: { id }, body: { text: 'Rubis', index: 1 } });
    expect(rubis.data).toMatchObject({ text: 'Rubis', index: 1 });

    const texts = async () =>
      (await getContactFieldValues({ client, path: { id } })).data?.map((v) => [v.index, v.text]);
    expect(await texts()).toEqual([
      [1, 'Rubis'],
      [2, 'Perle'],
      [3, 'Diamant'],
      [4, 'Agathe'],
    ]);

    const moved = await updateContactFieldValue({
      client,
      body: { id: rubis.data!.id, index: 3, text: 'Rubis rouge' },
    });
    expect(moved.data).toMatchObject({ index: 3, text: 'Rubis rouge' });
    expect(await texts()).toEqual([
      [1, 'Perle'],
      [2, 'Diamant'],
      [3, 'Rubis rouge'],
      [4, 'Agathe'],
    ]);

    const duplicate = await createContactFieldValue({ client, path: { id }, body: { text: 'perle' } });
    expect(duplicate.response.status).toBe(409);

    const values = (await getContactFieldValues({ client, path: { id } })).data!;
    const perle = values[0].id;
    const diamant = values[1].id;
    await upsertContact({
      client,
      body: {
        contactKey: 'bijou@example.com',
        attributes: [{ fieldName: String(id), fieldValue: `${perle},${diamant}` }],
      },
    });
    const removed = await deleteContactFieldValue({ client, path: { id: perle } });
    expect(removed.response.status).toBe(204);
    expect(await texts()).toEqual([
      [1, 'Diamant'],
      [2, 'Rubis rouge'],
      [3, 'Agathe'],
    ]);
    const contact = await getContact({ client, path: { contactKey: 'bijou@example.com' } });
    expect(contact.data?.[0]?.attributes).toContainEqual({
      id: String(id),
      fieldName: String(id),
      fieldValue: 'Diamant',
    });
  });

  it('refuses values on a non-list field', async () => {
    const text = await createContactField({ client, body: { name: 'Surnom', format: 'ShortText' } });
    const res = await createContactFieldValue({ client, path: { id: text.data!.id }, body: { text: 'x' } });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({ message: expect.stringContaining('only list fields have values') });
  });

  it("answers 404 for another account's fields and values", async () => {
    const field = await createContactField({ client, body: { name: 'Privé', format: 'SingleSelection' } });
    const value = await createContactFieldValue({ client, path: { id: field.data!.id }, body: { text: 'A' } });
    const intruder = t.sdk(await t.createAccount('Intruder'));
    const id = field.data!.id;
    const valueId = value.data!.id;
    const statuses = await Promise.all([
      getContactField({ client: intruder, path: { id } }),
      updateContactField({ client: intruder, body: { id, name: 'Pris' } }),
      deleteContactField({ client: intruder, path: { id } }),
      getContactFieldValues({ client: intruder, path: { id } }),
      createContactFieldValue({ client: intruder, path: { id }, body: { text: 'B' } }),
      updateContactFieldValue({ client: intruder, body: { id: valueId, text: 'C' } }),
      deleteContactFieldValue({ client: intruder, path: { id: valueId } }),
    ]);
    expect(statuses.map((r) => r.response.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    expect((await getContactField({ client, path: { id } })).data?.name).toBe('Privé');
    expect((await getContactFieldValues({ client, path: { id } })).data?.map((v) => v.text)).toEqual(['A']);
  });
});
