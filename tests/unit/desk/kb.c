/*
 * tests/unit/desk/kb.c — unit tests for src/desk/kb.c against a real migrated SQLite
 * database: create/read/update/delete of categories, sections and articles with
 * translations; who may write and who sees drafts; search (diacritics, case, ё/е, prefixes,
 * drafts hidden); votes (one per voter, per-address cap); view counts; deflection; slugs;
 * the demo content.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/kb.h"
#include "../testutil.h"

struct fx {
	struct tdb *t;
	struct db *db;
	struct desk_actor admin, agent, user, anon;
	int64_t cat, sec;
};

static int64_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t make(struct fx *f, enum kb_kind k, const char *json)
{
	struct desk_err err = {0};
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	int rc;
	assert_non_null(in);
	rc = desk_kb_create(f->db, &f->admin, k, in, &out, &err);
	if (rc)
		fail_msg("create %s: %d %s %s", json, rc, err.field, err.message);
	json_decref(in);
	int64_t id = jint(out, "id");
	json_decref(out);
	return id;
}

static int64_t article(struct fx *f, const char *title, const char *md, const char *locale,
                       bool draft)
{
	char buf[2048];
	json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:I}", "title", title, "body_markdown", md,
	                      "locale", locale, "draft", draft, "section_id", (json_int_t)f->sec);
	char *s = json_dumps(o, 0);
	snprintf(buf, sizeof buf, "%s", s);
	free(s);
	json_decref(o);
	return make(f, KB_ARTICLE, buf);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	int64_t id;
	f->t = t_db_open();
	f->db = f->t->db;
	id = t_user(f->db, "admin", "Ada Admin", "ada@example.com", 0);
	f->admin = (struct desk_actor){id, DESK_ADMIN, 0};
	id = t_user(f->db, "agent", "Andris Agent", "andris@example.com", 0);
	f->agent = (struct desk_actor){id, DESK_AGENT, 0};
	id = t_user(f->db, "end-user", "Ūna User", "una@example.com", 0);
	f->user = (struct desk_actor){id, DESK_END_USER, 0};
	f->anon = (struct desk_actor){0, DESK_END_USER, 0};
	*state = f;
	f->cat = make(f, KB_CATEGORY, "{\"name\":\"General\",\"description\":\"All *about* it\"}");
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	t_db_close(f->t);
	free(f);
	return 0;
}

static int64_t section(struct fx *f)
{
	char buf[128];
	snprintf(buf, sizeof buf, "{\"name\":\"Basics\",\"category_id\":%lld}", (long long)f->cat);
	return make(f, KB_SECTION, buf);
}

static void test_slug(void **s)
{
	char out[KB_MAX_SLUG_BYTES + 1];
	(void)s;
	desk_kb_slug("Kā nomainīt paroli?", out);
	assert_string_equal(out, "ka-nomainit-paroli");
	desk_kb_slug("Как сменить пароль", out);
	assert_string_equal(out, "kak-smenit-parol");
	desk_kb_slug("Kiel ŝanĝi vian pasvorton", out);
	assert_string_equal(out, "kiel-sangi-vian-pasvorton");
	desk_kb_slug("  <script>alert(1)</script> ", out);
	assert_string_equal(out, "script-alert-1-script");
	desk_kb_slug("!!!", out);
	assert_string_equal(out, "");
	desk_kb_slug("Ąžuolas ČĘĖĮŠŲŪŽ", out);
	assert_string_equal(out, "azuolas-ceeisuuz");
}

static void test_crud_and_markdown(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	json_t *o = NULL, *in;
	int64_t id;
	f->sec = section(f);
	id = article(f, "Reset", "# Hi\n\n<script>alert(1)</script>\n\n**bold**", "en", false);
	assert_int_equal(desk_kb_get(f->db, &f->anon, KB_ARTICLE, id, NULL, &o), 0);
	assert_string_equal(jstr(o, "title"), "Reset");
	assert_non_null(strstr(jstr(o, "body"), "<strong>bold</strong>"));
	assert_null(strstr(jstr(o, "body"), "<script"));
	assert_string_equal(jstr(o, "html_url"), "/hc/en/articles/1-reset");
	assert_string_equal(jstr(o, "locale"), "en");
	json_decref(o);
	/* a translation */
	in = json_pack("{s:s,s:s}", "title", "Atiestatīt", "body", "Teksts");
	assert_int_equal(
	    desk_kb_translation_put(f->db, &f->agent, KB_ARTICLE, id, "lv", in, true, &o, &err), 0);
	json_decref(o);
	/* twice: conflict */
	assert_int_equal(
	    desk_kb_translation_put(f->db, &f->agent, KB_ARTICLE, id, "lv", in, true, &o, &err),
	    HELPO_ECONFLICT);
	json_decref(in);
	assert_int_equal(desk_kb_get(f->db, &f->anon, KB_ARTICLE, id, "lv", &o), 0);
	assert_string_equal(jstr(o, "title"), "Atiestatīt");
	json_decref(o);
	assert_int_equal(desk_kb_get(f->db, &f->anon, KB_ARTICLE, id, "ru", &o), HELPO_ENOTFOUND);
	assert_int_equal(desk_kb_translations(f->db, &f->anon, KB_ARTICLE, id, &o), 0);
	assert_int_equal(json_array_size(o), 2);
	json_decref(o);
	/* the source-locale translation cannot be deleted; another can (admin) */
	assert_int_equal(desk_kb_translation_delete(f->db, &f->admin, KB_ARTICLE, id, "en", &err),
	                 HELPO_ECONFLICT);
	assert_int_equal(desk_kb_translation_delete(f->db, &f->agent, KB_ARTICLE, id, "lv", &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(desk_kb_translation_delete(f->db, &f->admin, KB_ARTICLE, id, "lv", &err),
	                 0);
	/* update: labels, position, title */
	in = json_loads("{\"title\":\"Reset password\",\"label_names\":[\"a\",\"b\",\"a\"],"
	                "\"position\":3}",
	                0, NULL);
	assert_int_equal(desk_kb_update(f->db, &f->agent, KB_ARTICLE, id, NULL, in, &o, &err), 0);
	json_decref(in);
	assert_string_equal(jstr(o, "title"), "Reset password");
	assert_int_equal(json_array_size(json_object_get(o, "label_names")), 2);
	assert_int_equal(jint(o, "position"), 3);
	json_decref(o);
	/* events written */
	assert_true(
	    t_int(f->db, "SELECT count(*) FROM events WHERE kind LIKE 'kb.%' AND ? > 0", 1) >= 5);
	/* delete the category: everything goes */
	assert_int_equal(desk_kb_delete(f->db, &f->agent, KB_CATEGORY, f->cat, &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(desk_kb_delete(f->db, &f->admin, KB_CATEGORY, f->cat, &err), 0);
	assert_int_equal(desk_kb_get(f->db, &f->admin, KB_ARTICLE, id, NULL, &o), HELPO_ENOTFOUND);
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM kb_translations WHERE ? > 0", 1), 0);
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM kb_fts WHERE ? > 0", 1), 0);
}

static void test_validation_and_authz(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	json_t *o = NULL, *in;
	static const char *const bad[] = {
	    "{\"title\":\"\",\"section_id\":1}",
	    "{\"title\":\"x\"}",
	    "{\"title\":\"x\",\"section_id\":999}",
	    "{\"title\":\"x\",\"section_id\":1,\"locale\":\"de\"}",
	    "{\"title\":\"x\",\"section_id\":1,\"draft\":\"yes\"}",
	    "{\"title\":\"x\",\"section_id\":1,\"label_names\":[\"\"]}",
	    "{\"title\":\"x\",\"section_id\":1,\"label_names\":\"a\"}",
	    "{\"title\":\"x\",\"section_id\":1,\"bogus\":1}",
	    "{\"title\":\"x\",\"section_id\":1,\"position\":-1}",
	    "{\"title\":42,\"section_id\":1}",
	};
	f->sec = section(f);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		in = json_loads(bad[i], 0, NULL);
		assert_non_null(in);
		if (desk_kb_create(f->db, &f->admin, KB_ARTICLE, in, &o, &err) != HELPO_EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_null(o);
		json_decref(in);
	}
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM kb_articles WHERE ? > 0", 1), 0);
	/* end-users and anonymous visitors cannot write; agents cannot make categories */
	in = json_loads("{\"title\":\"x\",\"section_id\":1}", 0, NULL);
	assert_int_equal(desk_kb_create(f->db, &f->user, KB_ARTICLE, in, &o, &err),
	                 HELPO_EFORBIDDEN);
	assert_int_equal(desk_kb_create(f->db, &f->anon, KB_ARTICLE, in, &o, &err),
	                 HELPO_EFORBIDDEN);
	json_decref(in);
	in = json_loads("{\"name\":\"x\"}", 0, NULL);
	assert_int_equal(desk_kb_create(f->db, &f->agent, KB_CATEGORY, in, &o, &err),
	                 HELPO_EFORBIDDEN);
	json_decref(in);
	/* drafts: staff only */
	int64_t d = article(f, "Secret draft", "hidden", "en", true);
	assert_int_equal(desk_kb_get(f->db, &f->user, KB_ARTICLE, d, NULL, &o), HELPO_ENOTFOUND);
	assert_int_equal(desk_kb_get(f->db, &f->agent, KB_ARTICLE, d, NULL, &o), 0);
	assert_true(json_is_true(json_object_get(o, "draft")));
	json_decref(o);
	in = json_loads("{\"title\":\"hack\"}", 0, NULL);
	assert_int_equal(desk_kb_update(f->db, &f->user, KB_ARTICLE, d, NULL, in, &o, &err),
	                 HELPO_ENOTFOUND);
	json_decref(in);
	{
		struct desk_page p = {.size = 10, .page = 1};
		struct kb_filter flt = {0};
		struct desk_list l;
		assert_int_equal(desk_kb_list(f->db, &f->user, KB_ARTICLE, &flt, &p, &l), 0);
		assert_int_equal(json_array_size(l.rows), 0);
		desk_list_release(&l);
		assert_int_equal(desk_kb_list(f->db, &f->agent, KB_ARTICLE, &flt, &p, &l), 0);
		assert_int_equal(json_array_size(l.rows), 1);
		desk_list_release(&l);
	}
}

static int nsearch(struct fx *f, const struct desk_actor *a, const char *q, const char *locale)
{
	struct desk_page p = {.size = 25, .page = 1};
	struct desk_list l;
	struct desk_err err = {0};
	int n;
	int rc = desk_kb_search(f->db, a, q, locale, &p, &l, &err);
	if (rc)
		return rc;
	n = (int)json_array_size(l.rows);
	assert_int_equal(n, l.count);
	desk_list_release(&l);
	return n;
}

static void test_search(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	struct desk_page p = {.size = 25, .page = 1};
	struct desk_list l;
	f->sec = section(f);
	article(f, "Kā nomainīt paroli", "Atveriet **Iestatījumi** un mainiet paroli.", "lv",
	        false);
	article(f, "Как сменить пароль", "Откройте настройки. Ещё можно ввести ёлку.", "ru", false);
	article(f, "Pasvorto ŝanĝo", "Ŝanĝu la pasvorton.", "eo", false);
	article(f, "Hidden draft paroli", "draft", "lv", true);
	assert_int_equal(nsearch(f, &f->anon, "ka nomainit paroli", NULL), 1);
	assert_int_equal(nsearch(f, &f->anon, "KĀ NOMAINĪT", "lv"), 1);
	assert_int_equal(nsearch(f, &f->anon, "nomain", "lv"), 1);   /* prefix */
	assert_int_equal(nsearch(f, &f->anon, "paroli", "ru"), 0);   /* other locale */
	assert_int_equal(nsearch(f, &f->anon, "парол", NULL), 1);    /* Russian prefix */
	assert_int_equal(nsearch(f, &f->anon, "еще елку", NULL), 1); /* ё = е */
	assert_int_equal(nsearch(f, &f->anon, "ЁЛКУ", NULL), 1);
	assert_int_equal(nsearch(f, &f->anon, "sangu", NULL), 1);   /* eo diacritics */
	assert_int_equal(nsearch(f, &f->anon, "paroli", NULL), 1);  /* draft hidden */
	assert_int_equal(nsearch(f, &f->agent, "paroli", NULL), 2); /* staff see it */
	assert_int_equal(nsearch(f, &f->anon, "\"paroli\" OR NEAR(a b)", NULL), 0);
	/* inflected forms: words of 5+ letters lose their ending before the prefix match */
	assert_int_equal(nsearch(f, &f->anon, "nomainits paroles", "lv"), 1);
	assert_int_equal(nsearch(f, &f->anon, "пароля", NULL), 1);
	assert_int_equal(nsearch(f, &f->anon, "pasvortoj", NULL), 1);
	assert_int_equal(nsearch(f, &f->anon, "  *** ", NULL), HELPO_EINVAL);
	assert_int_equal(desk_kb_search(f->db, &f->anon, "paroli", NULL, &p, &l, &err), 0);
	assert_string_equal(jstr(json_array_get(l.rows, 0), "title"), "Kā nomainīt paroli");
	assert_non_null(strstr(jstr(json_array_get(l.rows, 0), "snippet"), "paroli"));
	desk_list_release(&l);
}

static void test_votes_views_deflection(void **state)
{
	struct fx *f = *state;
	struct desk_err err = {0};
	json_t *o = NULL;
	char key[64];
	int v;
	f->sec = section(f);
	int64_t id = article(f, "Votes", "text", "en", false);
	int64_t d = article(f, "Draft", "text", "en", true);
	assert_int_equal(desk_kb_vote(f->db, &f->user, id, 1, NULL, "1.2.3.4", &o, &err), 0);
	assert_int_equal(jint(o, "value"), 1);
	json_decref(o);
	assert_int_equal(desk_kb_vote(f->db, &f->user, id, -1, NULL, "1.2.3.4", NULL, &err), 0);
	assert_int_equal(desk_kb_vote(f->db, &f->agent, id, 1, NULL, "1.2.3.4", NULL, &err), 0);
	assert_int_equal(desk_kb_my_vote(f->db, &f->user, id, NULL, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(desk_kb_vote(f->db, &f->user, id, 2, NULL, "x", NULL, &err), HELPO_EINVAL);
	assert_int_equal(desk_kb_vote(f->db, &f->user, d, 1, NULL, "x", NULL, &err),
	                 HELPO_ENOTFOUND);
	assert_int_equal(desk_kb_vote(f->db, &f->anon, id, 1, NULL, "x", NULL, &err), HELPO_EINVAL);
	/* anonymous: one vote per key, at most KB_MAX_ANON_VOTES_PER_IP keys per address */
	for (int i = 0; i < KB_MAX_ANON_VOTES_PER_IP; i++) {
		snprintf(key, sizeof key, "visitor-key-number-%d", i);
		assert_int_equal(desk_kb_vote(f->db, &f->anon, id, 1, key, "9.9.9.9", NULL, &err),
		                 0);
		assert_int_equal(desk_kb_vote(f->db, &f->anon, id, 1, key, "9.9.9.9", NULL, &err),
		                 0);
	}
	assert_int_equal(
	    desk_kb_vote(f->db, &f->anon, id, 1, "visitor-key-number-x", "9.9.9.9", NULL, &err),
	    HELPO_EFORBIDDEN);
	assert_int_equal(
	    desk_kb_vote(f->db, &f->anon, id, 1, "visitor-key-number-x", "8.8.8.8", NULL, &err), 0);
	assert_int_equal(desk_kb_get(f->db, &f->anon, KB_ARTICLE, id, NULL, &o), 0);
	assert_int_equal(jint(o, "vote_count"), 2 + KB_MAX_ANON_VOTES_PER_IP + 1);
	assert_int_equal(jint(o, "vote_sum"), KB_MAX_ANON_VOTES_PER_IP + 1);
	json_decref(o);
	/* views */
	assert_int_equal(desk_kb_view(f->db, id), 0);
	assert_int_equal(desk_kb_view(f->db, id), 0);
	assert_int_equal(desk_kb_view_flush(f->db), 0);
	assert_int_equal(t_int(f->db, "SELECT view_count FROM kb_articles WHERE id = ?", id), 2);
	/* deflection */
	assert_int_equal(desk_kb_deflection_open(f->db, "tok-aaaaaaaaaaaa", id, "reset"), 0);
	assert_int_equal(desk_kb_deflection_open(f->db, "tok-aaaaaaaaaaaa", id, "reset"), 0);
	assert_int_equal(desk_kb_deflection_open(f->db, "tok-bbbbbbbbbbbb", id, "pw"), 0);
	assert_int_equal(desk_kb_deflection_open(f->db, "bad token!", id, "x"), 0);
	assert_int_equal(desk_kb_deflection_open(f->db, "tok-cccccccccccc", 9999, "x"), 0);
	assert_int_equal(desk_kb_deflection_submitted(f->db, "tok-bbbbbbbbbbbb", 42), 0);
	assert_int_equal(desk_kb_deflection_submitted(f->db, "tok-unknown-xxxx", 43), 0);
	assert_int_equal(desk_kb_deflection_stats(f->db, &f->user, 0, &o), HELPO_EFORBIDDEN);
	assert_int_equal(desk_kb_deflection_stats(f->db, &f->agent, 0, &o), 0);
	json_t *st = json_object_get(o, "deflection_stats");
	assert_int_equal(jint(st, "opened"), 2);
	assert_int_equal(jint(st, "submitted"), 1);
	assert_int_equal(jint(st, "deflected"), 1);
	json_decref(o);
}

static void test_demo(void **state)
{
	struct fx *f = *state;
	struct desk_page p = {.size = 100, .page = 1};
	struct desk_list l;
	struct kb_filter flt = {.locale = "lv"};
	assert_int_equal(desk_kb_delete(f->db, &f->admin, KB_CATEGORY, f->cat, NULL), 0);
	assert_int_equal(desk_kb_demo(f->db, f->admin.id), 0);
	assert_int_equal(desk_kb_demo(f->db, f->admin.id), 0); /* idempotent */
	assert_int_equal(t_int(f->db, "SELECT count(*) FROM kb_articles WHERE ? > 0", 1), 8);
	assert_int_equal(t_int(f->db,
	                       "SELECT count(*) FROM kb_translations WHERE kind = 'article' "
	                       "AND ? > 0",
	                       1),
	                 40);
	assert_int_equal(desk_kb_list(f->db, &f->anon, KB_ARTICLE, &flt, &p, &l), 0);
	assert_int_equal(json_array_size(l.rows), 8);
	desk_list_release(&l);
	assert_int_equal(nsearch(f, &f->anon, "ka nomainit paroli", "lv"), 1);
	assert_int_equal(nsearch(f, &f->anon, "еще раз", "ru"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_slug),
	    cmocka_unit_test_setup_teardown(test_crud_and_markdown, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_validation_and_authz, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_votes_views_deflection, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_demo, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
