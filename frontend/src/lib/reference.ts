// Small fixed lists the UI offers; names come from Intl.DisplayNames in the reader's language.
export const COUNTRIES = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL',
  'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO', 'CH', 'GB', 'UA', 'RS', 'BA', 'ME', 'MK', 'AL', 'MD', 'GE',
  'AM', 'TR', 'IL', 'TN',
];
export const LANGUAGES = [
  'en', 'fr', 'de', 'nl', 'it', 'es', 'pt', 'pl', 'sv', 'da', 'fi', 'el', 'cs', 'sk', 'sl', 'hr', 'hu', 'ro', 'bg', 'et',
  'lv', 'lt', 'ga', 'mt', 'ca', 'eu', 'no', 'is', 'uk', 'sr', 'tr', 'ar',
];
