import { viewTexts } from '../i18n.js';

/**
 * The dashboard's tracking links: their own strings, in French and English, over the common
 * ones (admin/i18n.ts). They load with the view, not with the page.
 */

const fr = {
  linksTitle: 'Liens de suivi',
  linksHelp:
    'Un lien par canal (post LinkedIn, newsletter…) : chaque inscription venue par lui lui est comptée, sans cookie.',
  linkLabel: 'Nom du lien',
  linkLabelHint: 'Par exemple « Post LinkedIn » ou « Newsletter décembre ».',
  linkChannel: 'Canal',
  linkChannelHint: 'Le paramètre utm_source : linkedin, newsletter…',
  linkMore: 'Support et campagne (facultatif)',
  linkMedium: 'Support',
  linkMediumHint: 'Le paramètre utm_medium : social, email, cpc…',
  linkCampaign: 'Campagne',
  linkCampaignHint: 'Le paramètre utm_campaign : lancement-2027, newsletter-decembre…',
  linkCreate: 'Créer le lien',
  linkCreated: 'Lien créé.',
  linkCopied: 'Lien copié.',
  linksEmpty: 'Aucun lien de suivi pour le moment.',
  linksChart: 'Inscrits et venus par lien de suivi',
  colLink: 'Lien',
  colVisits: 'Visites',
  colRegistrations: 'Inscrits',
  colLinkConfirmed: 'Confirmés',
  colCame: 'Venus',
};

const en: typeof fr = {
  linksTitle: 'Tracking links',
  linksHelp:
    'One link per channel (LinkedIn post, newsletter…): each registration that came through it counts for it, without cookies.',
  linkLabel: 'Link name',
  linkLabelHint: 'For example “LinkedIn post” or “December newsletter”.',
  linkChannel: 'Channel',
  linkChannelHint: 'The utm_source parameter: linkedin, newsletter…',
  linkMore: 'Medium and campaign (optional)',
  linkMedium: 'Medium',
  linkMediumHint: 'The utm_medium parameter: social, email, cpc…',
  linkCampaign: 'Campaign',
  linkCampaignHint: 'The utm_campaign parameter: launch-2027, december-newsletter…',
  linkCreate: 'Create link',
  linkCreated: 'Link created.',
  linkCopied: 'Link copied.',
  linksEmpty: 'No tracking links yet.',
  linksChart: 'Registered and came, per tracking link',
  colLink: 'Link',
  colVisits: 'Visits',
  colRegistrations: 'Registered',
  colLinkConfirmed: 'Confirmed',
  colCame: 'Came',
};

export const { t, plural } = viewTexts(fr, en);

/** A string this view can show: its own or a common one. */
export type AdminKey = Parameters<typeof t>[0];
