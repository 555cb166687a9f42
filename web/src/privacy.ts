import { dictionary, lang, onLangChange, setupLanguageSwitch } from './i18n-core.js';

/**
 * The privacy page holds both languages as static text (readable without JavaScript); this
 * shows the visitor's language only, and the FR/EN switch flips between them.
 */

const show = (): void => {
  for (const section of document.querySelectorAll<HTMLElement>('main > section[lang]')) {
    section.hidden = section.lang !== lang();
  }
};

const pageTitle = dictionary({ title: 'Politique de confidentialité' }, { title: 'Privacy policy' });

setupLanguageSwitch(pageTitle);
onLangChange(() => {
  show();
  document.title = pageTitle.t('title');
});
show();
document.title = pageTitle.t('title');
