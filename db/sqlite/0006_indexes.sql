-- 0006_indexes.sql — indexes that the portal's request lists showed were missing: an end-user's
-- visibility rule asks "which tickets am I copied on?" (ticket_collaborators by user), which
-- scanned the whole table on every list, count and authorization check.
CREATE INDEX ticket_collaborators_user ON ticket_collaborators(user_id, ticket_id);
-- A customer's requests, newest activity first (the portal's lists, GET /api/v2/requests):
-- the page's ids come from this index alone.
CREATE INDEX tickets_requester_updated ON tickets(requester_id, updated_at, id);
