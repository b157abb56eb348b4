// i18n.js — UI strings for the browser: the merged catalog of a language from
// /agent/locale/LANG.json (the same locale/AREA/LANG.json files the server uses), CLDR plural
// forms through Intl.PluralRules, and localized dates and numbers through Intl.
export const LANGS = ['en', 'lv', 'lt', 'ru', 'eo'];
let lang = 'en';
let cat = {};
let plural = new Intl.PluralRules('en');

export function currentLang() { return lang; }

// Picks the language: the user's setting, then the browser's languages, then English.
export function pickLang(userLocale) {
  const cands = [userLocale, ...(navigator.languages || [])];
  for (const c of cands) {
    const base = (c || '').toLowerCase().split(/[-_]/)[0];
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

export async function loadLang(code) {
  const l = LANGS.includes(code) ? code : 'en';
  const res = await fetch(`/agent/locale/${l}.json`, { credentials: 'same-origin' });
  cat = res.ok ? await res.json() : {};
  lang = l;
  plural = new Intl.PluralRules(l);
  document.documentElement.lang = l;
}

// t('count.tickets', {count: 3}) -> "3 tickets" in the current language. A plural message
// picks its form by vars.count; {name} placeholders are replaced from vars. A missing key
// shows the key itself (visible, never a crash).
export function t(key, vars = {}) {
  let msg = cat[key];
  if (msg && typeof msg === 'object') {
    const n = Number(vars.count ?? 0);
    msg = msg[plural.select(n)] ?? msg.other ?? msg.many ?? Object.values(msg)[0];
  }
  if (typeof msg !== 'string') return key;
  return msg.replace(/\{([a-z_][a-z0-9_]*)\}/g, (m, name) =>
    name in vars ? (name === 'count' ? fmtNumber(vars[name]) : String(vars[name])) : m);
}

export function fmtNumber(n) { return new Intl.NumberFormat(lang).format(n); }

export function fmtDate(iso, opts = { dateStyle: 'medium', timeStyle: 'short' }) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang, opts).format(new Date(iso));
}
