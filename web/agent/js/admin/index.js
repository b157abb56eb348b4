// admin/index.js — the admin pages of the agent workspace (agents and end-users,
// organizations, groups and memberships, macros, views, knowledge base, API tokens), exported
// as routes and sidebar links for app.js. See the page contract at the top of app.js.
// The pages' own styles (admin.css next to this file) are linked once, from here.
import { userRoutes } from './users.js';
import { orgRoutes } from './orgs.js';
import { groupRoutes } from './groups.js';
import { macroRoutes, viewRoutes } from './rulesets.js';
import { kbRoutes } from './kb.js';
import { tokenRoutes } from './tokens.js';

if (typeof document !== 'undefined' && !document.getElementById('admin-css')) {
  const link = document.createElement('link');
  link.id = 'admin-css';
  link.rel = 'stylesheet';
  link.href = new URL('./admin.css', import.meta.url).pathname;
  document.head.append(link);
}

export const adminRoutes = [
  ...userRoutes, ...orgRoutes, ...groupRoutes, ...macroRoutes, ...viewRoutes, ...kbRoutes,
  ...tokenRoutes,
  { path: /^admin\/?$/, render: (root, m, ctx) => ctx.navigate('#/admin/users') },
];

// [{ href: '#/admin/users', label: 'admin.nav.users' }]: labels are i18n keys
export const adminNav = [
  { href: '#/admin/users', label: 'admin.nav.users' },
  { href: '#/admin/orgs', label: 'admin.nav.orgs' },
  { href: '#/admin/groups', label: 'admin.nav.groups' },
  { href: '#/admin/macros', label: 'admin.nav.macros' },
  { href: '#/admin/views', label: 'admin.nav.views' },
  { href: '#/admin/kb', label: 'admin.nav.kb' },
  { href: '#/admin/tokens', label: 'admin.nav.tokens' },
];
