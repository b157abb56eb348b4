// settings.js — the agent's own settings (#/settings): interface language (the user record's
// locale, PUT /users/:id), password change (PUT /users/:id/password with the previous one)
// and sign out.
import { h, mount } from './dom.js';
import { LANGS, loadLang, currentLang } from './i18n.js';

// Each language by its own name (an endonym is the same in every UI language).
const NATIVE = { en: 'English', lv: 'Latviešu', lt: 'Lietuvių', ru: 'Русский', eo: 'Esperanto' };

export const settingsRoutes = [{ path: /^settings$/, render: renderSettings }];

async function renderSettings(root, m, ctx) {
  const { t, api, me } = ctx;
  const lang = h('select', { id: 'set-lang' }, LANGS.map(l => h('option', { value: l, lang: l, selected: l === currentLang() }, NATIVE[l])));
  const langMsg = h('p', { role: 'status', class: 'muted' });
  const langForm = h('form', { class: 'card narrow', 'aria-labelledby': 'lang-h', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const r = await api('PUT', `/users/${me.id}`, { user: { locale: lang.value } });
      ctx.me = r.user || { ...me, locale: lang.value };
      await loadLang(lang.value);
      location.reload();
    } catch (err) {
      langMsg.className = 'error';
      langMsg.textContent = t('agent.error.save', { reason: err.message });
    }
  } },
  h('h2', { id: 'lang-h' }, t('agent.settings.language')),
  h('label', { for: 'set-lang' }, t('agent.settings.language_label')), lang,
  h('button', { type: 'submit', class: 'primary' }, t('common.save')), langMsg);

  const prev = h('input', { id: 'pw-prev', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const again = h('input', { id: 'pw-again', type: 'password', autocomplete: 'new-password', required: true });
  const pwMsg = h('p', { role: 'status' });
  const pwForm = h('form', { class: 'card narrow', 'aria-labelledby': 'pw-h', onsubmit: async (e) => {
    e.preventDefault();
    if (next.value !== again.value) { pwMsg.className = 'error'; pwMsg.textContent = t('agent.settings.mismatch'); return; }
    try {
      await api('PUT', `/users/${me.id}/password`, { previous_password: prev.value, password: next.value });
      pwMsg.className = 'ok';
      pwMsg.textContent = t('agent.settings.password_changed');
      prev.value = next.value = again.value = '';
    } catch (err) {
      pwMsg.className = 'error';
      pwMsg.textContent = err.status === 422 && /previous/.test(JSON.stringify(err.body || ''))
        ? t('agent.settings.wrong_password') : t('agent.error.save', { reason: err.message });
    }
  } },
  h('h2', { id: 'pw-h' }, t('agent.settings.password')),
  h('label', { for: 'pw-prev' }, t('agent.settings.current_password')), prev,
  h('label', { for: 'pw-new' }, t('agent.settings.new_password')), next,
  h('label', { for: 'pw-again' }, t('agent.settings.repeat_password')), again,
  h('button', { type: 'submit', class: 'primary' }, t('agent.settings.change_password')), pwMsg);

  mount(root, h('h1', {}, t('agent.settings.title')),
    h('p', { class: 'muted' }, me.name, ' · ', me.email, ' · ', t('agent.role.' + me.role)),
    h('div', { class: 'settings' }, langForm, pwForm,
      h('section', { class: 'card narrow', 'aria-labelledby': 'so-h' }, h('h2', { id: 'so-h' }, t('auth.sign_out')),
        h('button', { type: 'button', onclick: () => ctx.signOut() }, t('auth.sign_out')))));
}
