import type { CriteriaNode } from './criteria';

export interface DefaultSegment {
  id: number;
  name: string;
  description: string;
  tree: CriteriaNode;
}

const email = { field: 'email', op: 'isNotEmpty' };
const mobile = { field: 'mobile', op: 'isNotEmpty' };

/**
 * The default segments of SPEC §7 (seed "Segments par défaut"), the same ids in every account. The migration
 * that added them holds a copy (migrations are frozen); a database test checks both agree.
 */
export const DEFAULT_SEGMENTS: readonly DefaultSegment[] = [
  { id: 1, name: 'Tous les contacts', description: 'Tous les contacts de la base', tree: { all: [] } },
  {
    id: 2,
    name: 'Tous les contacts actifs',
    description: 'Contacts ayant ouvert ou cliqué dans la période d’activité du compte',
    tree: { field: 'activity', op: 'equals', value: 'active' },
  },
  {
    id: 3,
    name: 'Tous les contacts inactifs',
    description: 'Contacts sans ouverture ni clic dans la période d’activité du compte',
    tree: { field: 'activity', op: 'equals', value: 'inactive' },
  },
  { id: 4, name: 'Tous les contacts Emailing', description: 'Contacts ayant une adresse email', tree: email },
  {
    id: 5,
    name: 'Abonnés Emailing',
    description: 'Contacts ayant une adresse email, opt-in email « Oui », adresse non en erreur définitive',
    tree: {
      all: [
        email,
        { field: 'emailoptin', op: 'equals', value: 'yes' },
        { field: 'emailstatus', op: 'notEquals', value: 'hard' },
      ],
    },
  },
  {
    id: 6,
    name: 'Désabonnés Emailing',
    description: 'Contacts ayant une adresse email et l’opt-in email « Non »',
    tree: { all: [email, { field: 'emailoptin', op: 'equals', value: 'no' }] },
  },
  {
    id: 7,
    name: 'Mauvaises adresses Emailing (NPAI)',
    description: 'Adresses email en erreur définitive (mauvais alias, mauvais domaine, mauvaise syntaxe)',
    tree: { all: [email, { field: 'emailstatus', op: 'equals', value: 'hard' }] },
  },
  { id: 8, name: 'Tous les contacts SMS', description: 'Contacts ayant un numéro de mobile', tree: mobile },
  {
    id: 9,
    name: 'Abonnés SMS',
    description: 'Contacts ayant un numéro de mobile, opt-in SMS « Oui », numéro non en erreur définitive',
    tree: {
      all: [
        mobile,
        { field: 'mobileoptin', op: 'equals', value: 'yes' },
        { field: 'mobilestatus', op: 'notEquals', value: 'hard' },
      ],
    },
  },
  {
    id: 10,
    name: 'Désabonnés SMS',
    description: 'Contacts ayant un numéro de mobile et l’opt-in SMS « Non »',
    tree: { all: [mobile, { field: 'mobileoptin', op: 'equals', value: 'no' }] },
  },
  {
    id: 11,
    name: 'Mauvais numéros SMS',
    description: 'Numéros de mobile en erreur définitive',
    tree: { all: [mobile, { field: 'mobilestatus', op: 'equals', value: 'hard' }] },
  },
];

/** Segments a user creates take ids from here on, so default ids never collide with them. */
export const FIRST_CUSTOM_SEGMENT_ID = 1001;
