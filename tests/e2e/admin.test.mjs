// tests/e2e/admin.test.mjs — the admin pages of the agent workspace, driven like a person
// would: an admin creates a user (a bad e-mail is refused next to the field) and edits her,
// creates a group and adds an agent to it (a duplicate name is refused next to
// the field), creates a macro and a view with the structured rule editors, writes a KB article
// in Markdown with a Latvian translation, creates an API token, uses it with fetch (Basic "email/token" and Bearer), then revokes it and sees it stop
// working. Every outcome is checked through the API as well. Screenshots: admin-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHelpo, launchBrowser, newPage, signInAgent, shot, watchErrors, ok, basic }
	from './lib/e2e.mjs';

let helpo, browser, page, errs;
before(async () => {
	helpo = await startHelpo();
	browser = await launchBrowser();
	page = await newPage(browser);
	errs = watchErrors(page);
	await signInAgent(page, helpo.url, helpo.admin);
});
after(async () => {
	await browser?.close();
	await helpo?.stop();
});

const go = (hash) => page.goto(`${helpo.url}/agent#/admin/${hash}`);
const main = () => page.locator('main');
// toasts pile up over the form in a screenshot; they are checked nowhere here
const clearToasts = () => page.evaluate(() => document.querySelectorAll('.toast').forEach((el) => el.remove()));

test('admin: create a user (a bad e-mail is refused next to its field), edit, set a password', async () => {
	await go('users');
	await main().getByRole('link', { name: 'New user' }).click();
	await page.getByRole('heading', { name: 'New user' }).waitFor();
	await main().getByLabel('Name').fill('Ilze Jaunā');
	const email = main().getByLabel('E-mail');
	await email.fill('not-an-address');
	await main().getByLabel('Role').selectOption('agent');
	await main().getByLabel('Language').selectOption('lv');
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	const errId = (await email.getAttribute('aria-describedby')).split(' ').pop();
	await page.locator(`[id="${errId}"]`).getByRole('alert').waitFor();
	assert.equal(await email.getAttribute('aria-invalid'), 'true');
	await email.fill('ilze.jauna@example.test');
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	await page.waitForURL(/#\/admin\/users\/\d+$/);
	const uid = Number(page.url().match(/users\/(\d+)$/)[1]);
	let u = ok(await helpo.api.admin.get(`/api/v2/users/${uid}`)).user;
	assert.deepEqual([u.name, u.email, u.role, u.locale], ['Ilze Jaunā', 'ilze.jauna@example.test', 'agent', 'lv']);

	// edit: make her an admin
	await page.getByRole('heading', { level: 1, name: 'Ilze Jaunā' }).waitFor();
	await main().getByLabel('Role').selectOption('admin');
	await main().getByRole('button', { name: 'Save', exact: true }).click();
	await page.getByText('Saved', { exact: true }).waitFor();
	u = ok(await helpo.api.admin.get(`/api/v2/users/${uid}`)).user;
	assert.equal(u.role, 'admin');

	// a password she can sign in with
	await main().getByLabel('New password').fill('Ilze-Pass-2026!');
	await main().getByRole('button', { name: 'Set password' }).click();
	await page.getByText('Password changed').waitFor();
	const me = await fetch(`${helpo.url}/api/v2/users/me`,
		{ headers: { Authorization: basic('ilze.jauna@example.test', 'Ilze-Pass-2026!') } });
	assert.equal(me.status, 200);
	assert.equal((await me.json()).user.id, uid);

	// search finds her
	await go('users?query=' + encodeURIComponent('jauna'));
	await page.getByTestId('admin-users').getByRole('link', { name: 'Ilze Jaunā' }).waitFor();
});

test('admin: create a group, refuse a duplicate name, add an agent to it', async () => {
	await go('groups');
	await main().getByRole('link', { name: 'New group' }).click();
	await page.getByRole('heading', { name: 'New group' }).waitFor();

	// required field: nothing is sent, the error is announced next to the field
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	const nameInput = main().getByLabel('Name');
	await main().getByRole('alert').filter({ hasText: 'This field is required.' }).waitFor();
	assert.equal(await nameInput.getAttribute('aria-invalid'), 'true');

	// a name that exists (demo group "Support"): the server's 422 shows next to the field
	await nameInput.fill('Support');
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	// the message is the one the field's aria-describedby points at
	const errId = (await nameInput.getAttribute('aria-describedby')).split(' ').pop();
	const dup = page.locator(`[id="${errId}"]`).getByRole('alert');
	await dup.waitFor();
	assert.match(await dup.innerText(), /taken/i);

	const name = 'Escalations & VIP <b>second line</b>';
	await nameInput.fill(name);
	await main().getByLabel('Description').fill('Second line for key accounts');
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	await page.waitForURL(/#\/admin\/groups\/\d+$/);
	const gid = Number(page.url().match(/groups\/(\d+)$/)[1]);
	// the name is text, not markup
	await page.getByRole('heading', { level: 1, name }).waitFor();
	assert.equal(await page.locator('main b').count(), 0, 'no markup from the name');

	const members = page.getByTestId('group-members');
	await members.getByText('No agents in this group yet.').waitFor();
	await members.getByLabel('Agent').selectOption({ label: `${helpo.agent2.name} <${helpo.agent2.email}>` });
	await members.getByRole('button', { name: 'Add to group' }).click();
	await members.locator(`li[data-user-id="${helpo.agent2.id}"]`).waitFor();
	await members.getByText('1 agent', { exact: true }).waitFor();
	await clearToasts();
	await shot(page, 'admin-groups');

	const ms = ok(await helpo.api.admin.get(`/api/v2/groups/${gid}/memberships`)).group_memberships;
	assert.deepEqual(ms.map((m) => m.user_id), [helpo.agent2.id]);
	const g = ok(await helpo.api.admin.get(`/api/v2/groups/${gid}`)).group;
	assert.equal(g.name, name);
	assert.equal(g.description, 'Second line for key accounts');

	// remove again, with the confirmation dialog (Cancel first: nothing happens)
	await members.getByRole('button', { name: `Remove ${helpo.agent2.name} from the group` }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
	assert.equal(ok(await helpo.api.admin.get(`/api/v2/groups/${gid}/memberships`)).group_memberships.length, 1);
	await members.getByRole('button', { name: `Remove ${helpo.agent2.name} from the group` }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
	await members.getByText('No agents in this group yet.').waitFor();
	assert.equal(ok(await helpo.api.admin.get(`/api/v2/groups/${gid}/memberships`)).group_memberships.length, 0);
	// and add back for the rest of the journey
	await members.getByLabel('Agent').selectOption({ label: `${helpo.agent2.name} <${helpo.agent2.email}>` });
	await members.getByRole('button', { name: 'Add to group' }).click();
	await members.locator(`li[data-user-id="${helpo.agent2.id}"]`).waitFor();
});

test('admin: create a macro with the action editor', async () => {
	await go('macros/new');
	await page.getByRole('heading', { name: 'New macro' }).waitFor();
	const title = 'Ask for the order number';
	await main().getByLabel('Macro name').fill(title);
	const actions = page.getByTestId('actions');
	await actions.getByLabel('Field of rule 1').selectOption('comment_value');
	await actions.getByLabel('Value of rule 1').fill('Hello {{ticket.requester.first_name}}, what is your order number?');
	await actions.getByRole('button', { name: 'Add action' }).click();
	await actions.getByLabel('Field of rule 2').selectOption('status');
	await actions.getByLabel('Value of rule 2').selectOption('pending');
	await actions.getByRole('button', { name: 'Add action' }).click();
	await actions.getByLabel('Field of rule 3').selectOption('current_tags');
	await actions.getByLabel('Value of rule 3').fill('needs_order');
	await clearToasts();
	await shot(page, 'admin-macro');
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	await page.waitForURL(/#\/admin\/macros$/);
	await page.getByTestId('admin-macros').getByRole('link', { name: title }).waitFor();

	const all = ok(await helpo.api.admin.get('/api/v2/macros')).macros;
	const m = all.find((x) => x.title === title);
	assert.ok(m, 'the macro exists');
	assert.equal(m.active, true);
	assert.equal(m.restriction, null, 'shared by default');
	assert.deepEqual(m.actions, [
		{ field: 'comment_value', value: 'Hello {{ticket.requester.first_name}}, what is your order number?' },
		{ field: 'status', value: 'pending' },
		{ field: 'current_tags', value: 'needs_order' },
	]);
});

test('admin: create a view with the condition editor, then deactivate it', async () => {
	await go('views/new');
	await page.getByRole('heading', { name: 'New view' }).waitFor();
	const title = 'Urgent and unassigned';
	await main().getByLabel('View name').fill(title);
	const allRows = page.getByTestId('conditions-all');
	// row 1 is the default "status less than solved"; add "priority is urgent"
	await allRows.getByRole('button', { name: 'Add condition' }).click();
	await allRows.getByLabel('Field of rule 2').selectOption('priority');
	await allRows.getByLabel('Operator of rule 2').selectOption('is');
	await allRows.getByLabel('Value of rule 2').selectOption('urgent');
	await allRows.getByRole('button', { name: 'Add condition' }).click();
	await allRows.getByLabel('Field of rule 3').selectOption('assignee_id');
	await allRows.getByLabel('Operator of rule 3').selectOption('is');
	await allRows.getByLabel('Value of rule 3').selectOption('');
	await main().getByLabel('Sort by').selectOption('created_at');
	await main().getByLabel('Order').selectOption('asc');
	await clearToasts();
	await shot(page, 'admin-view');
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	await page.waitForURL(/#\/admin\/views$/);
	const list = page.getByTestId('admin-views');
	await list.getByRole('link', { name: title }).waitFor();

	let v = ok(await helpo.api.admin.get('/api/v2/views')).views.find((x) => x.title === title);
	assert.ok(v, 'the view exists');
	assert.equal(v.active, true);
	assert.equal(v.conditions.all.length, 3);
	assert.deepEqual(v.conditions.all.slice(0, 2), [
		{ field: 'status', operator: 'less_than', value: 'solved' },
		{ field: 'priority', operator: 'is', value: 'urgent' },
	]);
	const unassigned = v.conditions.all[2];
	assert.deepEqual([unassigned.field, unassigned.operator], ['assignee_id', 'is']);
	assert.ok(unassigned.value === '' || unassigned.value === null, 'unassigned is "" or null');
	assert.deepEqual(v.conditions.any, []);
	assert.equal(v.execution.sort_by, 'created_at');
	assert.equal(v.execution.sort_order, 'asc');

	await list.getByRole('button', { name: `Deactivate ${title}` }).click();
	await list.getByRole('button', { name: `Activate ${title}` }).waitFor();
	v = ok(await helpo.api.admin.get(`/api/v2/views/${v.id}`)).view;
	assert.equal(v.active, false);
});

test('admin: knowledge base — a category, a section, an article in Markdown and its Latvian translation', async () => {
	await go('kb');
	await main().getByRole('link', { name: 'New category' }).first().click();
	await page.getByRole('heading', { name: 'New category' }).waitFor();
	await main().getByLabel('Name').fill('Billing help');
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	await page.waitForURL(/#\/admin\/kb$/);
	const cat = page.getByTestId('kb-tree').locator('section.kb-category')
		.filter({ has: page.getByRole('heading', { name: 'Billing help', exact: true }) });
	await cat.getByRole('link', { name: 'New section' }).click();
	await page.getByRole('heading', { name: 'New section' }).waitFor();
	await main().getByLabel('Name').fill('Invoices');
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	await page.waitForURL(/#\/admin\/kb$/);
	const sec = cat.locator('section.kb-section')
		.filter({ has: page.getByRole('heading', { name: 'Invoices', exact: true }) });
	await sec.getByRole('link', { name: 'New article' }).click();
	await page.getByRole('heading', { name: 'New article' }).waitFor();
	await main().getByLabel('Title').fill('Where is my invoice?');
	await main().getByLabel('Text (Markdown)').fill('Invoices are in **Settings → Billing**.\n\n<script>alert(1)</script>');
	// drafts are the default; publish at once
	await main().getByLabel('Draft (not shown to customers)').uncheck();
	await main().getByRole('button', { name: 'Create', exact: true }).click();
	await page.waitForURL(/#\/admin\/kb\/articles\/\d+$/);
	const aid = Number(page.url().match(/articles\/(\d+)$/)[1]);
	let art = ok(await helpo.api.admin.get(`/api/v2/help_center/articles/${aid}`)).article;
	assert.equal(art.title, 'Where is my invoice?');
	assert.equal(art.draft, false);
	assert.match(art.body, /<strong>Settings → Billing<\/strong>/);
	assert.doesNotMatch(art.body, /<script/i, 'the body is sanitized');

	// the Latvian tab: not translated yet; add the translation as a draft
	const tabs = page.getByRole('tablist', { name: 'Translations' });
	await tabs.getByRole('tab', { name: /Latviešu/ }).click();
	const panel = page.getByRole('tabpanel');
	await panel.getByText('Not translated').waitFor();
	await panel.getByLabel('Title').fill('Kur ir mans rēķins?');
	await panel.getByLabel('Text (Markdown)').fill('Rēķini ir sadaļā **Iestatījumi → Norēķini**.');
	await panel.getByRole('button', { name: 'Add translation' }).click();
	await panel.getByText('Draft', { exact: true }).waitFor();
	await clearToasts();
	await page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
	await shot(page, 'admin-kb');
	const lv = ok(await helpo.api.admin.get(`/api/v2/help_center/articles/${aid}/translations/lv`)).translation;
	assert.equal(lv.title, 'Kur ir mans rēķins?');
	assert.equal(lv.draft, true);
	// publish it
	await panel.getByLabel('Draft (not shown to customers)').uncheck();
	await panel.getByRole('button', { name: 'Save' }).click();
	await panel.getByText('Published', { exact: true }).waitFor();
	const lv2 = ok(await helpo.api.admin.get(`/api/v2/help_center/articles/${aid}/translations/lv`)).translation;
	assert.equal(lv2.draft, false);
	// customers can read it now
	const pub = ok(await helpo.api.anon.get(`/api/v2/help_center/lv/articles/${aid}`)).article;
	assert.equal(pub.title, 'Kur ir mans rēķins?');
});

test('admin: create an API token, use it with fetch, revoke it', async () => {
	await go('tokens');
	await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
	await main().getByLabel('Description').fill('Nightly export');
	await main().getByRole('button', { name: 'Create token' }).click();
	const secretBox = page.getByTestId('token-secret');
	await secretBox.waitFor();
	const secret = await secretBox.inputValue();
	assert.match(secret, /^\S{32,}$/);
	assert.ok(await page.getByText('it will not be shown again', { exact: false }).isVisible());
	// the secret input has focus so it can be copied at once
	assert.equal(await secretBox.evaluate((el) => el === document.activeElement), true);
	await clearToasts();
	await shot(page, 'admin-tokens');

	// the list shows the token without the secret
	const row = page.getByTestId('admin-tokens').locator('tr', { hasText: 'Nightly export' });
	await row.waitFor();
	assert.ok(!(await page.getByTestId('admin-tokens').innerText()).includes(secret));

	// it works from a script, both ways
	const me1 = await fetch(`${helpo.url}/api/v2/users/me`, { headers: { Authorization: `Bearer ${secret}` } });
	assert.equal(me1.status, 200);
	assert.equal((await me1.json()).user.id, helpo.admin.id);
	const me2 = await fetch(`${helpo.url}/api/v2/users/me`,
		{ headers: { Authorization: basic(`${helpo.admin.email}/token`, secret) } });
	assert.equal(me2.status, 200);

	// after reloading the page the secret is gone for good
	await page.reload();
	await page.getByTestId('admin-tokens').locator('tr', { hasText: 'Nightly export' }).waitFor();
	assert.equal(await page.getByTestId('token-secret').count(), 0);

	// revoke with confirmation
	await page.getByRole('button', { name: 'Revoke Nightly export' }).click();
	const dlg = page.getByRole('dialog');
	await dlg.getByText('Scripts using it stop working at once').waitFor();
	await dlg.getByRole('button', { name: 'Revoke' }).click();
	await page.getByText('No API tokens.').waitFor();
	const after = await fetch(`${helpo.url}/api/v2/users/me`, { headers: { Authorization: `Bearer ${secret}` } });
	assert.equal(after.status, 401);
	assert.deepEqual(ok(await helpo.api.admin.get('/api/v2/api_tokens')).api_tokens, []);
});

test('admin: the token page works with the keyboard alone (Enter submits, Esc cancels)', async () => {
	await go('tokens');
	const desc = main().getByLabel('Description');
	await desc.focus();
	await page.keyboard.type('Keyboard token');
	await page.keyboard.press('Enter');
	await page.getByTestId('token-secret').waitFor();
	const secret = await page.getByTestId('token-secret').inputValue();
	const revoke = page.getByRole('button', { name: 'Revoke Keyboard token' });
	await revoke.focus();
	await page.keyboard.press('Enter');
	const dlg = page.getByRole('dialog');
	await dlg.waitFor();
	// focus starts on Cancel (the safe choice); Esc closes without revoking
	assert.equal(await dlg.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), true);
	await page.keyboard.press('Escape');
	await dlg.waitFor({ state: 'detached' });
	assert.equal((await fetch(`${helpo.url}/api/v2/users/me`, { headers: { Authorization: `Bearer ${secret}` } })).status, 200);
	await revoke.focus();
	await page.keyboard.press('Enter');
	await dlg.waitFor();
	await page.keyboard.press('Shift+Tab');
	await page.keyboard.press('Enter');
	await page.getByText('No API tokens.').waitFor();
	assert.equal((await fetch(`${helpo.url}/api/v2/users/me`, { headers: { Authorization: `Bearer ${secret}` } })).status, 401);
});

test('admin: the pages log no errors (but the 401 before sign-in and the 422 asked for)', () => {
	errs.assertClean((e) => !/^http 401: GET \S+\/api\/v2\/sessions\/current$/.test(e) &&
		!/^http 422: POST \S+\/api\/v2\/(groups|users)$/.test(e));
});
