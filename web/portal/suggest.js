// suggest.js — progressive enhancement of the portal's request form (/requests/new): as the
// subject is typed, asks the knowledge base for matching articles
// (GET /api/v2/help_center/articles/search?query=&locale=) and lists them under the subject.
// Each link carries ?deflect=TOKEN (the form's hidden deflection_token), so the article page
// records that it was opened from here; submitting the form tells the KB a request was made
// anyway. Without JavaScript the form works the same, minus the suggestions. No inline code:
// loaded by <script src> under the page CSP; the DOM is built with textContent only.
(function () {
	'use strict';
	const form = document.querySelector('form[data-suggest]');
	if (!form) return;
	const subject = form.querySelector('#subject');
	const box = document.getElementById('suggestions');
	const tokenInput = form.querySelector('input[name="deflection_token"]');
	if (!subject || !box || !tokenInput) return;
	const locale = document.documentElement.lang || 'en';
	let timer = null, last = '', ctl = null;

	function hide() {
		box.hidden = true;
		box.replaceChildren();
	}

	// Plain text of a snippet that may hold highlighting markup (parsed inert, never inserted).
	function plain(html) {
		if (!html) return '';
		const doc = new DOMParser().parseFromString(String(html), 'text/html');
		return (doc.body.textContent || '').trim();
	}

	// A local link to the article with the deflection token: never another origin.
	function articleHref(a) {
		let url;
		try {
			url = new URL(a.html_url || ('/hc/' + locale + '/articles/' + a.id), location.origin);
		} catch (e) {
			return null;
		}
		url.searchParams.set('deflect', tokenInput.value);
		return url.pathname + url.search;
	}

	function render(results) {
		box.replaceChildren();
		if (!results.length) return hide();
		const title = document.createElement('p');
		title.textContent = box.dataset.title || '';
		const list = document.createElement('ul');
		for (const a of results.slice(0, 5)) {
			const href = articleHref(a);
			if (!href || typeof a.title !== 'string') continue;
			const li = document.createElement('li');
			const link = document.createElement('a');
			link.href = href;
			link.target = '_blank';
			link.rel = 'noopener';
			link.textContent = a.title;
			li.append(link);
			const snip = plain(a.snippet);
			if (snip) {
				const s = document.createElement('span');
				s.className = 'snippet';
				s.textContent = snip;
				li.append(s);
			}
			list.append(li);
		}
		if (!list.children.length) return hide();
		box.append(title, list);
		box.hidden = false;
	}

	async function lookup() {
		const q = subject.value.trim();
		if (q.length < 3) {
			last = '';
			return hide();
		}
		if (q === last) return;
		last = q;
		if (ctl) ctl.abort();
		ctl = new AbortController();
		const url = '/api/v2/help_center/articles/search?query=' + encodeURIComponent(q) +
			'&locale=' + encodeURIComponent(locale) + '&per_page=5';
		try {
			const res = await fetch(url, {
				signal: ctl.signal,
				credentials: 'same-origin',
				headers: { Accept: 'application/json' },
			});
			if (!res.ok) return hide();
			const data = await res.json();
			render(Array.isArray(data.results) ? data.results : []);
		} catch (e) {
			if (e.name !== 'AbortError') hide();
		}
	}

	subject.addEventListener('input', function () {
		clearTimeout(timer);
		timer = setTimeout(lookup, 250);
	});
	if (subject.value) lookup();
})();
