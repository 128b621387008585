/** How a built-in field's value is read and stored. */
export type BuiltinFormat =
  | 'ShortText'
  | 'Email'
  | 'Mobile'
  | 'Phone'
  | 'Date'
  | 'DateTime'
  | 'OptIn'
  | 'EmailStatus'
  | 'MobileStatus'
  | 'Boolean'
  | 'Activity'
  | 'ImportId';

export interface BuiltinField {
  key: string;
  /** Column of the `contact` table holding the value. */
  column: string;
  format: BuiltinFormat;
  labelFr: string;
  labelEn: string;
  readOnly: boolean;
}

const field = (
  key: string,
  column: string,
  format: BuiltinFormat,
  labelFr: string,
  labelEn: string,
  readOnly = false,
): BuiltinField => ({ key, column, format, labelFr, labelEn, readOnly });

/** The v4 built-in keys, in the order the v4 API documents them. */
export const BUILTIN_FIELDS: readonly BuiltinField[] = [
  field('salutation', 'salutation', 'ShortText', 'Civilité', 'Salutation'),
  field('firstname', 'firstname', 'ShortText', 'Prénom', 'First name'),
  field('lastname', 'lastname', 'ShortText', 'Nom', 'Last name'),
  field('companyname', 'companyname', 'ShortText', 'Société', 'Company'),
  field('jobtitle', 'jobtitle', 'ShortText', 'Fonction', 'Job title'),
  field('email', 'email', 'Email', 'Adresse e-mail', 'Email address'),
  field('emailoptin', 'email_optin', 'OptIn', 'Abonnement e-mail', 'Email opt-in'),
  field(
    'emailunsubscriptiondate',
    'email_unsubscription_date',
    'DateTime',
    'Date de désabonnement e-mail',
    'Email unsubscription date',
  ),
  field(
    'emailunsubscriptionreason',
    'email_unsubscription_reason',
    'ShortText',
    'Motif de désabonnement e-mail',
    'Email unsubscription reason',
  ),
  field('emailstatus', 'email_status', 'EmailStatus', 'Statut e-mail', 'Email status'),
  field('emailstatusdate', 'email_status_date', 'DateTime', 'Date du statut e-mail', 'Email status date'),
  field('emailstatusdetail', 'email_status_detail', 'ShortText', 'Détail du statut e-mail', 'Email status detail'),
  field('mobile', 'mobile', 'Mobile', 'Téléphone mobile', 'Mobile phone'),
  field('mobileoptin', 'mobile_optin', 'OptIn', 'Abonnement SMS', 'SMS opt-in'),
  field(
    'mobileunsubscriptiondate',
    'mobile_unsubscription_date',
    'DateTime',
    'Date de désabonnement SMS',
    'SMS unsubscription date',
  ),
  field(
    'mobileunsubscriptionreason',
    'mobile_unsubscription_reason',
    'ShortText',
    'Motif de désabonnement SMS',
    'SMS unsubscription reason',
  ),
  field('mobilestatus', 'mobile_status', 'MobileStatus', 'Statut SMS', 'SMS status'),
  field('mobilestatusdate', 'mobile_status_date', 'DateTime', 'Date du statut SMS', 'SMS status date'),
  field('mobilestatusdetail', 'mobile_status_detail', 'ShortText', 'Détail du statut SMS', 'SMS status detail'),
  field('phone', 'phone', 'Phone', 'Téléphone fixe', 'Phone'),
  field('fax', 'fax', 'Phone', 'Fax', 'Fax'),
  field('address1', 'address1', 'ShortText', 'Adresse', 'Address line 1'),
  field('address2', 'address2', 'ShortText', "Complément d'adresse", 'Address line 2'),
  field('zipcode', 'zipcode', 'ShortText', 'Code postal', 'Zip code'),
  field('city', 'city', 'ShortText', 'Ville', 'City'),
  field('country', 'country', 'ShortText', 'Pays', 'Country'),
  field('birthdate', 'birthdate', 'Date', 'Date de naissance', 'Birth date'),
  field('emailoptinpartners', 'email_optin_partners', 'Boolean', 'Offres partenaires e-mail', 'Email partner offers'),
  field('mobileoptinpartners', 'mobile_optin_partners', 'Boolean', 'Offres partenaires SMS', 'SMS partner offers'),
  field('type', 'type', 'ShortText', 'Type', 'Type'),
  field('activity', 'last_engaged_at', 'Activity', 'Activité', 'Activity', true),
  field('comments', 'comments', 'ShortText', 'Commentaires', 'Comments'),
  field('source', 'source', 'ShortText', 'Source', 'Source'),
  field('creationdate', 'created_at', 'DateTime', 'Date de création', 'Creation date', true),
  field('importcreation', 'created_by_import_id', 'ImportId', 'Import de création', 'Created by import', true),
  field('modificationdate', 'updated_at', 'DateTime', 'Date de modification', 'Modification date', true),
  field('importmodification', 'updated_by_import_id', 'ImportId', 'Import de modification', 'Updated by import', true),
];

const BY_KEY = new Map(BUILTIN_FIELDS.map((f) => [f.key, f]));

export function builtinField(key: string): BuiltinField | undefined {
  return BY_KEY.get(key.toLowerCase());
}
