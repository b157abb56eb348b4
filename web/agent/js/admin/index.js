// admin/index.js — the admin pages of the agent workspace (agents and end-users,
// organizations, groups and memberships, macros, views, knowledge base, API tokens), exported
// as routes and sidebar links for app.js. See the page contract at the top of app.js.
export const adminRoutes = [];
// [{ href: '#/admin/users', label: 'admin.nav.users' }]: labels are i18n keys
export const adminNav = [];
