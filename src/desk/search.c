/*
 * search.c — desk_search: the Zendesk search syntax (GET /api/v2/search) turned into one SQL
 * query over tickets (alias t), always restricted by authz_ticket_sql, so the results and the
 * count only ever include what the actor may see.
 *
 * Query syntax (terms separated by spaces; "double quotes" group words and values):
 *   word "two words"          free text: every word must match (prefix match, case and
 *                             diacritics ignored, ё = е) the subject or a comment; for
 *                             end-users only the subject and public comments
 *   -word                     the ticket must not match the word (or quoted phrase)
 *   status:open  status<solved  status>=pending   new < open < pending < hold < solved < closed
 *   priority:high  priority>normal  priority:none  low < normal < high < urgent
 *   ticket_type:incident  type:question           question | incident | problem | task | none
 *   type:ticket | type:user | type:organization   what to search (default: tickets)
 *   assignee:me | none | <email> | <id> | "<name>"  (requester: and submitter: alike)
 *   group:<name or id> | none     organization:<name or id> | none
 *   tags:vip  tag:vip
 *   created>2026-01-01  created<=2026-01-01T10:00:00Z  updated>7days  solved<2hours
 *   due_date>2026-02-01          dates: YYYY-MM-DD, ISO-8601 UTC, or N minutes|hours|days|
 *                                weeks|months|years ago (created>7days = in the last 7 days)
 *   order_by:created|updated|priority|status|ticket_type   sort:asc|desc
 *   -property:value               negates any property term
 *   subject:word description:word comment:word   searched as free text (all text fields)
 *
 * Semantics chosen (and tested):
 *   - terms are ANDed; the same property given several times with ':' is ORed
 *     (status:open status:pending), as Zendesk does for repeated values;
 *   - an unknown property ("foo:bar") is free text, as Zendesk treats it: its words (foo and
 *     bar) are searched for; a known property with a bad value (status:nonsense, created>someday) is
 *     HELPO_EINVAL with the reason in err (a 422);
 *   - free text that holds no searchable word (only punctuation, e.g. `"` or `*`) matches
 *     nothing rather than everything;
 *   - a date without a time compares whole days: created>2026-01-01 starts on 2 January,
 *     created:2026-01-01 is that day, created<2026-01-01 ends before it;
 *   - order defaults to created_at descending (Zendesk's relevance order is not modelled);
 *   - type:user and type:organization search users (name, e-mail) and organizations (name)
 *     for staff; end-users get an empty list for them.
 *
 * Safety: text typed in the query never becomes SQL or FTS5 syntax. Property values are bound
 * parameters; free text goes through db_fts_match, which quotes every word. Limits:
 * HELPO_MAX_QUERY_BYTES, HELPO_MAX_QUERY_TERMS; offset paging stops at
 * HELPO_MAX_SEARCH_RESULTS (count still reports every match).
 */
#include "desk/desk_int.h"
#include "desk/authz.h"
#include "desk/ticket_int.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <ctype.h>

enum prop {
	P_STATUS,
	P_PRIORITY,
	P_TTYPE,
	P_TYPE,
	P_ASSIGNEE,
	P_REQUESTER,
	P_SUBMITTER,
	P_GROUP,
	P_ORG,
	P_TAGS,
	P_CREATED,
	P_UPDATED,
	P_SOLVED,
	P_DUE,
	P_ORDER,
	P_SORT,
	P_TEXT,
	P_COUNT
};

static const struct {
	const char *name;
	enum prop p;
} props[] = {
	{"status", P_STATUS},       {"priority", P_PRIORITY},   {"ticket_type", P_TTYPE},
	{"type", P_TYPE},           {"assignee", P_ASSIGNEE},   {"requester", P_REQUESTER},
	{"submitter", P_SUBMITTER}, {"group", P_GROUP},         {"organization", P_ORG},
	{"tags", P_TAGS},           {"tag", P_TAGS},            {"created", P_CREATED},
	{"updated", P_UPDATED},     {"solved", P_SOLVED},       {"due_date", P_DUE},
	{"order_by", P_ORDER},      {"sort", P_SORT},           {"subject", P_TEXT},
	{"description", P_TEXT},    {"comment", P_TEXT},        {"text", P_TEXT},
};

enum op { OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };
static const char *const op_sql[] = {"=", "<", "<=", ">", ">="};

static const char *const statuses[] = {"new", "open", "pending", "hold", "solved", "closed", NULL};
static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};
static const char *const ttypes[] = {"question", "incident", "problem", "task", NULL};

#define STATUS_RANK                                                                              \
	"(CASE t.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2 WHEN 'hold' " \
	"THEN 3 WHEN 'solved' THEN 4 WHEN 'closed' THEN 5 END)"
/* NULL for tickets without a priority, so that comparisons never match them */
#define PRIORITY_RANK                                                                            \
	"(CASE t.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 WHEN "      \
	"'urgent' THEN 3 END)"

enum target { OBJ_TICKET, OBJ_USER, OBJ_ORG };

/* SQL with its own arguments, merged in order into the final statement. */
struct part {
	struct buf sql;
	struct db_args args;
	int n;
	bool overflow; /* more arguments than DB_MAX_ARGS */
};

struct sq {
	struct db *db;
	const struct desk_actor *a;
	struct desk_err *err;
	int64_t now;
	enum target target;
	struct buf words;                      /* positive free text, space-separated */
	int ntext;                             /* positive free-text terms */
	const char *neg[HELPO_MAX_QUERY_TERMS]; /* negated free-text terms */
	int nneg;
	struct part ors[P_COUNT]; /* positive ':' terms, ORed per property */
	struct part ands;         /* everything else, ANDed */
	const char *sort;         /* from order_by:, or NULL */
	int desc;                 /* from sort:, -1 when not given */
	const char *fts_id; /* "t.id", or "+t.id" to drive a query from its ORDER BY index */
};

static int bad(struct sq *q, const char *fmt, const char *v) PRINTF_LIKE(2, 0);
static int bad(struct sq *q, const char *fmt, const char *v)
{
	return desk_fail(q->err, HELPO_EINVAL, "query", fmt, v);
}

static int enum_index(const char *const *list, const char *v)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], v))
			return i;
	return -1;
}

static void ascii_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool all_digits(const char *s)
{
	if (!*s || strlen(s) > 18)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Appends one argument to a part (text borrowed: it lives in the query copy). */
static void arg_text(struct part *p, const char *s)
{
	if (db_args_text(&p->args, s))
		p->overflow = true;
}

static void arg_int(struct part *p, int64_t v)
{
	if (db_args_int(&p->args, v))
		p->overflow = true;
}

/* Opens a condition in the right part: ORed for positive equality, ANDed otherwise. */
static struct part *cond_begin(struct sq *q, enum prop pr, enum op op, bool neg)
{
	struct part *p = (!neg && op == OP_EQ) ? &q->ors[pr] : &q->ands;
	if (p == &q->ands)
		buf_adds(&p->sql, neg ? " AND NOT coalesce((" : " AND (");
	else
		buf_adds(&p->sql, p->n ? " OR (" : "(");
	p->n++;
	return p;
}

static void cond_end(struct sq *q, struct part *p, bool neg)
{
	buf_adds(&p->sql, (p == &q->ands && neg) ? "), 0)" : ")");
}

/* "N<unit>" ago, e.g. "7days", "2hours". */
static bool parse_relative(const char *v, int64_t now, int64_t *ms)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {
		{"minute", 60000LL},       {"minutes", 60000LL},       {"min", 60000LL},
		{"hour", 3600000LL},       {"hours", 3600000LL},       {"day", 86400000LL},
		{"days", 86400000LL},      {"week", 604800000LL},      {"weeks", 604800000LL},
		{"month", 2592000000LL},   {"months", 2592000000LL},   {"year", 31536000000LL},
		{"years", 31536000000LL},
	};
	int64_t n = 0;
	const char *p = v;
	while (isdigit((unsigned char)*p) && p - v < 6)
		n = n * 10 + (*p++ - '0');
	if (p == v)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(p, units[i].unit)) {
			*ms = now - n * units[i].ms;
			return true;
		}
	return false;
}

static int cond_date(struct sq *q, enum prop pr, enum op op, bool neg, const char *col,
		     const char *v)
{
	int64_t ms, end;
	bool day = false;
	struct part *p;
	if (parse_relative(v, q->now, &ms))
		end = ms + 1;
	else if (!time_parse_iso8601(v, &ms)) {
		day = strlen(v) == 10;
		end = ms + (day ? 86400000LL : 1000);
	} else
		return bad(q,
			   "\"%.64s\" is not a date: use YYYY-MM-DD, an ISO-8601 time in UTC or "
			   "a relative time such as 7days or 2hours",
			   v);
	p = cond_begin(q, pr, op, neg);
	switch (op) {
	case OP_EQ:
		buf_addf(&p->sql, "%s >= ? AND %s < ?", col, col);
		arg_int(p, ms);
		arg_int(p, end);
		break;
	case OP_LT:
	case OP_GE:
		buf_addf(&p->sql, "%s %s ?", col, op_sql[op]);
		arg_int(p, ms);
		break;
	case OP_GT: /* after the whole day (or second) */
		buf_addf(&p->sql, "%s >= ?", col);
		arg_int(p, day ? end : ms + 1);
		break;
	case OP_LE:
		buf_addf(&p->sql, "%s < ?", col);
		arg_int(p, day ? end : ms + 1);
		break;
	}
	cond_end(q, p, neg);
	return 0;
}

/* status / priority: a value from an ordered list, or a comparison of ranks. */
static int cond_ranked(struct sq *q, enum prop pr, enum op op, bool neg, const char *v)
{
	const char *const *list = pr == P_STATUS ? statuses : priorities;
	const char *name = pr == P_STATUS ? "status" : "priority";
	int i = enum_index(list, v);
	struct part *p;
	if (pr == P_PRIORITY && op == OP_EQ && !strcmp(v, "none")) {
		p = cond_begin(q, pr, op, neg);
		buf_adds(&p->sql, "t.priority IS NULL");
		cond_end(q, p, neg);
		return 0;
	}
	if (i < 0)
		return desk_fail(q->err, HELPO_EINVAL, "query", "%s: \"%.32s\" is not one of %s", name,
				 v,
				 pr == P_STATUS ? "new, open, pending, hold, solved, closed"
						: "low, normal, high, urgent, none");
	p = cond_begin(q, pr, op, neg);
	if (op == OP_EQ) {
		buf_addf(&p->sql, "t.%s = ?", name);
		arg_text(p, list[i]);
	} else {
		buf_addf(&p->sql, "%s %s ?", pr == P_STATUS ? STATUS_RANK : PRIORITY_RANK,
			 op_sql[op]);
		arg_int(p, i);
	}
	cond_end(q, p, neg);
	return 0;
}

/* assignee / requester / submitter: me, none, an id, an e-mail, or a name. */
static int cond_user(struct sq *q, enum prop pr, bool neg, char *v)
{
	const char *col = pr == P_ASSIGNEE    ? "t.assignee_id"
			  : pr == P_REQUESTER ? "t.requester_id"
					      : "t.submitter_id";
	struct part *p = cond_begin(q, pr, OP_EQ, neg);
	if (!strcmp(v, "me")) {
		buf_addf(&p->sql, "%s = ?", col);
		arg_int(p, q->a->id ? q->a->id : -1);
	} else if (!strcmp(v, "none")) {
		buf_addf(&p->sql, "%s IS NULL", col);
	} else if (all_digits(v)) {
		buf_addf(&p->sql, "%s = ?", col);
		arg_int(p, strtoll(v, NULL, 10));
	} else if (strchr(v, '@')) {
		ascii_lower(v);
		buf_addf(&p->sql, "%s IN (SELECT id FROM users WHERE email = ?)", col);
		arg_text(p, v);
	} else {
		buf_addf(&p->sql, "%s IN (SELECT id FROM users WHERE name = ? COLLATE NOCASE)", col);
		arg_text(p, v);
	}
	cond_end(q, p, neg);
	return 0;
}

/* group / organization: none, an id, or a name (matched on the lower-cased name_key). */
static int cond_named(struct sq *q, enum prop pr, bool neg, char *v)
{
	const char *col = pr == P_GROUP ? "t.group_id" : "t.organization_id";
	const char *table = pr == P_GROUP ? "groups" : "organizations";
	struct part *p = cond_begin(q, pr, OP_EQ, neg);
	if (!strcmp(v, "none")) {
		buf_addf(&p->sql, "%s IS NULL", col);
	} else if (all_digits(v)) {
		buf_addf(&p->sql, "%s = ?", col);
		arg_int(p, strtoll(v, NULL, 10));
	} else {
		ascii_lower(v);
		buf_addf(&p->sql, "%s IN (SELECT id FROM %s WHERE name_key = ?)", col, table);
		arg_text(p, v);
	}
	cond_end(q, p, neg);
	return 0;
}

static int cond_ttype(struct sq *q, bool neg, const char *v)
{
	struct part *p;
	int i = enum_index(ttypes, v);
	if (i < 0 && strcmp(v, "none"))
		return bad(q,
			   "ticket_type: \"%.32s\" is not one of question, incident, problem, "
			   "task, none",
			   v);
	p = cond_begin(q, P_TTYPE, OP_EQ, neg);
	if (i < 0) {
		buf_adds(&p->sql, "t.type IS NULL");
	} else {
		buf_adds(&p->sql, "t.type = ?");
		arg_text(p, ttypes[i]);
	}
	cond_end(q, p, neg);
	return 0;
}

static const char *order_name(const char *v)
{
	static const char *const map[][2] = {
		{"created", "created_at"}, {"created_at", "created_at"}, {"updated", "updated_at"},
		{"updated_at", "updated_at"}, {"priority", "priority"},  {"status", "status"},
		{"ticket_type", "ticket_type"}, {"type", "ticket_type"}, {"id", "id"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i][0], v))
			return map[i][1];
	return NULL;
}

/* One "property<op>value" term. */
static int term_prop(struct sq *q, const char *name, enum prop pr, enum op op, bool neg,
		     char *v)
{
	struct part *p;
	if (!*v)
		return bad(q, "%s: needs a value", name);
	if (op != OP_EQ && pr != P_STATUS && pr != P_PRIORITY && pr != P_CREATED &&
	    pr != P_UPDATED && pr != P_SOLVED && pr != P_DUE)
		return bad(q, "%s: takes ':' (not < or >)", name);
	switch (pr) {
	case P_STATUS:
	case P_PRIORITY: ascii_lower(v); return cond_ranked(q, pr, op, neg, v);
	case P_TYPE:
		ascii_lower(v);
		if (!strcmp(v, "ticket") || !strcmp(v, "user") || !strcmp(v, "organization")) {
			q->target = v[0] == 't' ? OBJ_TICKET : v[0] == 'u' ? OBJ_USER : OBJ_ORG;
			return 0;
		}
		return cond_ttype(q, neg, v); /* type:incident is the ticket type */
	case P_TTYPE: ascii_lower(v); return cond_ttype(q, neg, v);
	case P_ASSIGNEE:
	case P_REQUESTER:
	case P_SUBMITTER: return cond_user(q, pr, neg, v);
	case P_GROUP:
	case P_ORG: return cond_named(q, pr, neg, v);
	case P_TAGS:
		if (text_tag_normalize(v))
			return bad(q, "tags: \"%.32s\" is not a tag", v);
		p = cond_begin(q, pr, op, neg);
		buf_adds(&p->sql, "t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)");
		arg_text(p, v);
		cond_end(q, p, neg);
		return 0;
	case P_CREATED: return cond_date(q, pr, op, neg, "t.created_at", v);
	case P_UPDATED: return cond_date(q, pr, op, neg, "t.updated_at", v);
	case P_SOLVED: return cond_date(q, pr, op, neg, "t.solved_at", v);
	case P_DUE: return cond_date(q, pr, op, neg, "t.due_at", v);
	case P_ORDER:
		ascii_lower(v);
		if (!(q->sort = order_name(v)))
			return bad(q,
				   "order_by: \"%.32s\" is not one of created, updated, priority, "
				   "status, ticket_type",
				   v);
		return 0;
	case P_SORT:
		ascii_lower(v);
		if (strcmp(v, "asc") && strcmp(v, "desc"))
			return bad(q, "sort: \"%.32s\" is not asc or desc", v);
		q->desc = v[0] == 'd';
		return 0;
	case P_TEXT:
	case P_COUNT: break;
	}
	return HELPO_EINVAL;
}

/* Removes double quotes in place. */
static void dequote(char *s)
{
	char *w = s;
	for (; *s; s++)
		if (*s != '"')
			*w++ = *s;
	*w = '\0';
}

/* Recognizes "name<op>" at the start of a term; returns the value or NULL. */
static char *split_prop(char *t, enum prop *pr, enum op *op, const char **name)
{
	size_t n = 0;
	char *v;
	while (isalpha((unsigned char)t[n]) || t[n] == '_')
		n++;
	if (!n || (t[n] != ':' && t[n] != '<' && t[n] != '>'))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
		if (strlen(props[i].name) != n || strncasecmp(props[i].name, t, n))
			continue;
		v = t + n;
		if (*v == ':')
			v++;
		*op = OP_EQ;
		if (*v == '<' || *v == '>') {
			bool lt = *v == '<';
			v++;
			if (*v == '=') {
				v++;
				*op = lt ? OP_LE : OP_GE;
			} else
				*op = lt ? OP_LT : OP_GT;
		}
		*pr = props[i].p;
		*name = props[i].name;
		return v;
	}
	return NULL;
}

static int term(struct sq *q, char *t)
{
	bool neg = false;
	enum prop pr;
	enum op op;
	const char *name;
	char *v;
	if (t[0] == '-' && t[1]) {
		neg = true;
		t++;
	}
	if ((v = split_prop(t, &pr, &op, &name))) {
		dequote(v);
		if (pr != P_TEXT)
			return term_prop(q, name, pr, op, neg, v);
		t = v; /* subject:word and the like search all text for the word */
	} else
		dequote(t);
	if (neg) {
		q->neg[q->nneg++] = t;
		return 0;
	}
	q->ntext++;
	if (q->words.len)
		buf_addc(&q->words, ' ');
	return buf_adds(&q->words, t);
}

/* Splits the query copy into terms in place (spaces outside double quotes separate). */
static int parse(struct sq *q, char *s)
{
	int nterms = 0, rc;
	while (*s) {
		char *start;
		bool quoted = false;
		while (*s && isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		start = s;
		while (*s && (quoted || !isspace((unsigned char)*s))) {
			if (*s == '"')
				quoted = !quoted;
			s++;
		}
		if (*s)
			*s++ = '\0';
		if (++nterms > HELPO_MAX_QUERY_TERMS)
			return desk_fail(q->err, HELPO_EINVAL, "query",
					 "has more than %d terms", HELPO_MAX_QUERY_TERMS);
		if ((rc = term(q, start)))
			return rc;
	}
	if (!nterms)
		return desk_fail(q->err, HELPO_EINVAL, "query", "is empty");
	return 0;
}

static int args_merge(struct db_args *dst, const struct db_args *src)
{
	for (int i = 0; i < src->n; i++) {
		if (dst->n >= DB_MAX_ARGS)
			return HELPO_ETOOBIG;
		dst->v[dst->n++] = src->v[i];
	}
	return 0;
}

static const char *sort_expr(const char *s)
{
	if (!s || !strcmp(s, "created_at") || !strcmp(s, "created"))
		return "t.created_at";
	if (!strcmp(s, "ticket_type"))
		return "(CASE t.type WHEN 'question' THEN 1 WHEN 'incident' THEN 2 WHEN 'problem' "
		       "THEN 3 WHEN 'task' THEN 4 ELSE 0 END)";
	if (!strcmp(s, "updated"))
		return "t.updated_at";
	return desk_ticket_sort_expr(s);
}

/* Builds the WHERE clause (after "FROM tickets t WHERE ") for tickets. fts holds the
 * parameters of full-text conditions (one per buffer) and must outlive the query. */
static int ticket_where(struct sq *q, struct buf *sql, struct db_args *args, struct buf *fts)
{
	int rc;
	if ((rc = authz_ticket_sql(q->a, "t", sql, args)))
		return rc;
	if (q->ands.overflow)
		return HELPO_ETOOBIG;
	for (int i = 0; i < P_COUNT; i++) {
		if (q->ors[i].overflow)
			return HELPO_ETOOBIG;
		if (!q->ors[i].n)
			continue;
		buf_addf(sql, " AND (%s)", q->ors[i].sql.data);
		if ((rc = args_merge(args, &q->ors[i].args)))
			return rc;
	}
	buf_adds(sql, q->ands.sql.data);
	if ((rc = args_merge(args, &q->ands.args)))
		return rc;
	if (q->ntext) {
		buf_adds(sql, " AND ");
		rc = db_fts_match(q->db, sql, q->fts_id ? q->fts_id : "t.id", q->words.data,
				  !desk_is_staff(q->a), &fts[0]);
		if (rc == HELPO_EINVAL) /* nothing searchable: matches nothing */
			rc = buf_adds(sql, "0");
		else if (!rc)
			rc = db_args_text(args, fts[0].data);
		if (rc)
			return rc;
	}
	for (int i = 0; i < q->nneg; i++) {
		struct buf c = BUF_INIT(1024);
		rc = db_fts_match(q->db, &c, "t.id", q->neg[i], !desk_is_staff(q->a), &fts[i + 1]);
		if (!rc) {
			buf_addf(sql, " AND NOT (%s)", c.data);
			rc = db_args_text(args, fts[i + 1].data);
		} else if (rc == HELPO_EINVAL) /* nothing searchable: excludes nothing */
			rc = 0;
		buf_release(&c);
		if (rc)
			return rc;
	}
	return sql->len >= sql->max ? HELPO_ETOOBIG : 0;
}

/* True when the query is free-text words and nothing else (no properties, no negations). */
static bool words_only(const struct sq *q)
{
	if (!q->ntext || q->nneg || q->ands.n || q->ands.sql.len)
		return false;
	for (int i = 0; i < P_COUNT; i++)
		if (q->ors[i].n)
			return false;
	return true;
}

#define FTS_DRIVE_MIN 2000 /* full-text hits above which the sort index drives the page */

static int run_tickets(struct sq *q, const struct desk_page *pin, struct desk_list *out)
{
	struct buf where = BUF_INIT(64 * 1024), sql = BUF_INIT(64 * 1024);
	struct buf fts[HELPO_MAX_QUERY_TERMS + 1];
	struct db_args wargs = {0}, args;
	struct db_stmt *st;
	struct desk_page p = *pin;
	const char *key;
	int64_t offset = 0;
	int rc;

	for (size_t i = 0; i < ARRAY_SIZE(fts); i++)
		buf_init(&fts[i], HELPO_MAX_QUERY_BYTES * 4 + 64);
	if (q->sort)
		p.sort = q->sort;
	if (q->desc >= 0)
		p.desc = q->desc;
	if (!(key = sort_expr(p.sort))) {
		rc = desk_fail(q->err, HELPO_EINVAL, "sort_by", "cannot sort search results by that");
		goto out;
	}
	if ((rc = ticket_where(q, &where, &wargs, fts)))
		goto out;

	/* the total: an admin searching only words counts in the full-text index alone (every
	 * index row is a ticket, and an admin sees them all); otherwise every match is checked */
	if (words_only(q) && q->a->role == DESK_ADMIN) {
		struct db_args fa = {0};
		buf_adds(&sql, "SELECT count(*) FROM tickets t WHERE ");
		rc = db_fts_match(q->db, &sql, "t.id", q->words.data, false, &fts[0]);
		if (rc == HELPO_EINVAL) {
			buf_reset(&sql);
			buf_adds(&sql, "SELECT 0");
		} else if (rc)
			goto out;
		else {
			/* "t.id IN (SELECT rowid ...)" over all tickets = the index's own count */
			buf_reset(&sql);
			buf_adds(&sql, "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH ?");
			db_args_text(&fa, fts[0].data);
		}
		rc = db_query_args(q->db, &st, sql.data, &fa);
	} else {
		buf_addf(&sql, "SELECT count(*) FROM tickets t WHERE %s", where.data);
		rc = db_query_args(q->db, &st, sql.data, &wargs);
	}
	if (rc)
		goto out;
	rc = db_step(st);
	out->count = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	if (rc < 0)
		goto out;

	/* the page */
	out->rows = json_array();
	if (!p.cursor)
		offset = (int64_t)(p.page > 1 ? p.page - 1 : 0) * p.size;
	if (offset >= HELPO_MAX_SEARCH_RESULTS) {
		rc = 0;
		goto out;
	}
	args = wargs;
	if (q->ntext && out->count > FTS_DRIVE_MIN) {
		/* Many full-text hits: walking the sort index and testing membership stops after
		 * one page; letting the planner start from the hits would fetch and sort them all.
		 * (Few hits: the other way round, which is the planner's own choice.) */
		buf_reset(&where);
		args = (struct db_args){0};
		q->fts_id = "+t.id";
		rc = ticket_where(q, &where, &args, fts);
		q->fts_id = NULL;
		if (rc)
			goto out;
	}
	buf_reset(&sql);
	buf_addf(&sql, "SELECT %s, %s FROM tickets t WHERE %s", key, desk_ticket_cols(),
		 where.data);
	if ((rc = page_where(&sql, &args, &p, key, "t.id")) ||
	    (rc = page_tail(&sql, &args, &p, key, "t.id")))
		goto out;
	if (sql.len >= sql.max) {
		rc = HELPO_ETOOBIG;
		goto out;
	}
	if ((rc = db_query_args(q->db, &st, sql.data, &args)))
		goto out;
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *t;
		if (!p.cursor && offset + (int64_t)json_array_size(out->rows) >=
					 HELPO_MAX_SEARCH_RESULTS)
			break; /* the cap: no further pages */
		if (!page_accept(out, &p, db_col_int(st, 0), db_col_int(st, 1)))
			break;
		t = desk_ticket_row_at(st, 1);
		json_object_set_new(t, "result_type", json_string("ticket"));
		desk_ticket_redact(q->db, q->a, t);
		json_array_append_new(out->rows, t);
	}
	db_done(st);
	if (rc >= 0)
		rc = 0;
	page_finish(out, &p);
out:
	for (size_t i = 0; i < ARRAY_SIZE(fts); i++)
		buf_release(&fts[i]);
	buf_release(&where);
	buf_release(&sql);
	return rc;
}

/* Escapes LIKE wildcards (with '\\' as the escape), lower-cases ASCII, wraps in %...%. */
static int like_pattern(struct buf *b, const char *w)
{
	buf_addc(b, '%');
	for (; *w; w++) {
		if (*w == '%' || *w == '_' || *w == '\\')
			buf_addc(b, '\\');
		buf_addc(b, (char)tolower((unsigned char)*w));
	}
	return buf_addc(b, '%');
}

/* Runs "SELECT count(*) <from>" and "SELECT u.id <from> ... LIMIT/OFFSET" for people. */
static int people_ids(struct sq *q, const char *from, struct db_args *args, int64_t offset,
		      int size, int64_t *ids, int *nids, int64_t *count)
{
	struct buf sql = BUF_INIT(32 * 1024);
	struct db_stmt *st;
	int rc;
	buf_addf(&sql, "SELECT count(*) %s", from);
	if ((rc = db_query_args(q->db, &st, sql.data, args)))
		goto out;
	if ((rc = db_step(st)) == DB_ROW)
		*count = db_col_int(st, 0);
	db_done(st);
	if (rc < 0 || offset >= HELPO_MAX_SEARCH_RESULTS)
		goto out;
	buf_reset(&sql);
	buf_addf(&sql, "SELECT u.id %s ORDER BY u.id LIMIT ? OFFSET ?", from);
	db_args_int(args, size + 1);
	if ((rc = db_args_int(args, offset)) || (rc = db_query_args(q->db, &st, sql.data, args)))
		goto out;
	while ((rc = db_step(st)) == DB_ROW && *nids <= size)
		ids[(*nids)++] = db_col_int(st, 0);
	db_done(st);
out:
	buf_release(&sql);
	return rc < 0 ? rc : 0;
}

/*
 * Users (name or e-mail contains each word) and organizations (name contains each word),
 * staff only; end-users get an empty list. Records are read back through desk_user_get /
 * desk_org_get so they have the same shape as everywhere else. Offset paging by id.
 */
static int run_people(struct sq *q, const struct desk_page *p, struct desk_list *out)
{
	bool users = q->target == OBJ_USER;
	struct buf from = BUF_INIT(16 * 1024), pats[HELPO_MAX_QUERY_TERMS];
	struct db_args args = {0};
	int64_t ids[HELPO_MAX_PAGE_SIZE + 1];
	int nids = 0, npat = 0, rc = 0;
	int64_t offset = p->cursor ? 0 : (int64_t)(p->page > 1 ? p->page - 1 : 0) * p->size;
	const char *w = q->words.data;

	out->rows = json_array();
	out->count = 0;
	if (!desk_is_staff(q->a))
		return 0;
	buf_adds(&from, users ? "FROM users u WHERE 1" : "FROM organizations u WHERE 1");
	while (*w && npat < HELPO_MAX_QUERY_TERMS) {
		size_t n = strcspn(w, " ");
		char word[HELPO_MAX_QUERY_BYTES + 1];
		snprintf(word, sizeof word, "%.*s", (int)n, w);
		w += n + (w[n] == ' ');
		if (!n)
			continue;
		buf_init(&pats[npat], HELPO_MAX_QUERY_BYTES * 2 + 8);
		like_pattern(&pats[npat], word);
		buf_adds(&from, users ? " AND (lower(u.name) LIKE ? ESCAPE '\\' OR u.email LIKE ? "
					"ESCAPE '\\')"
				      : " AND lower(u.name) LIKE ? ESCAPE '\\'");
		db_args_text(&args, pats[npat].data);
		if (users)
			db_args_text(&args, pats[npat].data);
		npat++;
	}
	if (users)
		buf_adds(&from, " AND u.active = 1");
	rc = people_ids(q, from.data, &args, offset, p->size, ids, &nids, &out->count);
	for (int i = 0; !rc && i < nids; i++) {
		json_t *rec = NULL;
		if (!page_accept(out, p, ids[i], ids[i]))
			break;
		rc = users ? desk_user_get(q->db, q->a, ids[i], &rec)
			   : desk_org_get(q->db, q->a, ids[i], &rec);
		if (rc == HELPO_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (!rc) {
			json_object_set_new(rec, "result_type",
					    json_string(users ? "user" : "organization"));
			json_array_append_new(out->rows, rec);
		}
	}
	for (int i = 0; i < npat; i++)
		buf_release(&pats[i]);
	buf_release(&from);
	return rc;
}

int desk_search(struct db *db, const struct desk_actor *a, const char *query,
		const struct desk_page *p, struct desk_list *out, struct desk_err *err)
{
	struct sq q;
	char *copy = NULL;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	out->count = -1;
	if (!query)
		return desk_fail(err, HELPO_EINVAL, "query", "is required");
	len = strlen(query);
	if (len > HELPO_MAX_QUERY_BYTES)
		return desk_fail(err, HELPO_EINVAL, "query", "is too long (maximum is %d bytes)",
				 HELPO_MAX_QUERY_BYTES);
	if (!text_utf8_valid(query, len))
		return desk_fail(err, HELPO_EINVAL, "query", "is not valid UTF-8");
	memset(&q, 0, sizeof q);
	q.db = db;
	q.a = a;
	q.err = err;
	q.now = time_now_ms();
	q.desc = -1;
	buf_init(&q.words, HELPO_MAX_QUERY_BYTES + 1);
	buf_init(&q.ands.sql, 32 * 1024);
	for (int i = 0; i < P_COUNT; i++)
		buf_init(&q.ors[i].sql, 16 * 1024);
	if (!(copy = strdup(query))) {
		rc = HELPO_ENOMEM;
		goto out;
	}
	if ((rc = parse(&q, copy)))
		goto out;
	if ((rc = db_begin_read(db)))
		goto out;
	if (q.target == OBJ_TICKET)
		rc = run_tickets(&q, p, out);
	else
		rc = run_people(&q, p, out);
	db_commit(db);
	if (rc == HELPO_ETOOBIG)
		rc = desk_fail(err, HELPO_EINVAL, "query", "is too complex");
out:
	if (rc)
		desk_list_release(out);
	free(copy);
	buf_release(&q.words);
	buf_release(&q.ands.sql);
	for (int i = 0; i < P_COUNT; i++)
		buf_release(&q.ors[i].sql);
	return rc;
}
