"""PL/pgSQL of the hardened PostgreSQL setup: the moves, run as the registry's owner.

Each function is ``SECURITY DEFINER`` with a fixed ``search_path``: it checks who is
connected (``session_user``) and does the whole change itself, so a role that may not
write ``model_tags``, ``request_approvals`` or ``tag_protections`` can still approve
through it, and only as itself. ``{schema}`` is filled in by :mod:`.hardening`.
"""

MAY_REVIEW = """
CREATE OR REPLACE FUNCTION {schema}.registry_tui_may_review(p_tag text, p_who text)
RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  listed text;
  x text;
BEGIN
  SELECT reviewers INTO listed FROM tag_protections WHERE tag = p_tag;
  IF listed IS NULL OR listed = '[]' THEN RETURN true; END IF;
  FOR x IN SELECT json_array_elements_text(listed::json) LOOP
    IF x LIKE 'role:%' THEN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = substr(x, 6)) THEN
        IF pg_has_role(p_who, substr(x, 6), 'MEMBER') THEN RETURN true; END IF;
      END IF;
    ELSIF x = p_who THEN
      RETURN true;
    END IF;
  END LOOP;
  RETURN false;
END $$"""

MOVE = """
CREATE OR REPLACE FUNCTION {schema}.registry_tui_move(
  p_model bigint, p_tag text, p_event text, p_details jsonb, p_at timestamp)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  removed bigint[];
  held boolean;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM models WHERE model_id = p_model
                 AND coalesce(status, 'active') = 'active') THEN
    RAISE EXCEPTION 'Model % is not an active model; only active models can be promoted',
      p_model USING ERRCODE = 'P0001';
  END IF;
  SELECT array_agg(model_id ORDER BY tag_id) INTO removed FROM model_tags
    WHERE tag_name = p_tag AND model_id <> p_model;
  held := EXISTS (SELECT 1 FROM model_tags WHERE tag_name = p_tag AND model_id = p_model);
  IF held AND removed IS NULL THEN
    RETURN jsonb_build_object('changed', false, 'removed', '[]'::jsonb);
  END IF;
  DELETE FROM model_tags WHERE tag_name = p_tag AND model_id <> p_model;
  IF NOT held THEN
    INSERT INTO model_tags (model_id, tag_name, created_at) VALUES (p_model, p_tag, p_at);
  END IF;
  INSERT INTO registry_events (at, event, model_id, tag, previous_model_id, actor, details)
  VALUES (p_at, p_event, p_model, p_tag, removed[array_length(removed, 1)], session_user,
          jsonb_strip_nulls(p_details || jsonb_build_object(
            'exclusive', true, 'removed_from', to_jsonb(removed)))::text);
  RETURN jsonb_build_object('changed', true, 'removed', coalesce(to_jsonb(removed), '[]'::jsonb));
END $$"""

APPROVE = """
CREATE OR REPLACE FUNCTION {schema}.registry_tui_approve(p_request bigint, p_comment text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  r promotion_requests%ROWTYPE;
  who text := session_user;
  at_now timestamp := date_trunc('second', now() AT TIME ZONE 'utc');
  holder bigint;
  why text;
  approvers text[];
BEGIN
  SELECT * INTO r FROM promotion_requests WHERE request_id = p_request FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Request % not found', p_request USING ERRCODE = 'P0002';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('registry_tui:tag:' || r.tag));
  IF r.decided_at IS NOT NULL OR r.state <> 'pending' THEN
    RAISE EXCEPTION 'Request % is already %', p_request, r.state USING ERRCODE = 'P0001';
  END IF;
  SELECT model_id INTO holder FROM model_tags WHERE tag_name = r.tag ORDER BY tag_id DESC LIMIT 1;
  IF r.expires_at IS NOT NULL AND at_now >= r.expires_at THEN
    why := 'expired at ' || to_char(r.expires_at, 'YYYY-MM-DD HH24:MI:SS');
  ELSIF r.kind = 'promote' AND holder IS DISTINCT FROM r.holder_at_request THEN
    why := format('stale: tag ''%s'' is now held by %s, not %s as when requested', r.tag,
                  coalesce('model ' || holder, 'nobody'),
                  coalesce('model ' || r.holder_at_request, 'nobody'));
  END IF;
  IF why IS NOT NULL THEN
    UPDATE promotion_requests SET state = CASE WHEN why LIKE 'expired%' THEN 'expired'
      ELSE 'stale' END, decided_by = who, decided_at = at_now, decision_note = why
      WHERE request_id = p_request;
    INSERT INTO registry_events (at, event, model_id, tag, actor, details)
    VALUES (at_now, CASE WHEN why LIKE 'expired%' THEN 'expire' ELSE 'stale' END, r.model_id,
            r.tag, who, jsonb_build_object('request_id', p_request, 'why', why)::text);
    RETURN format('Request %s %s; request the move again', p_request, why);
  END IF;
  IF who = r.requested_by AND NOT r.allow_self THEN
    RAISE EXCEPTION
      '% requested request % and cannot approve it: tag ''%'' needs approvals from others',
      who, p_request, r.tag USING ERRCODE = 'P0001';
  END IF;
  IF EXISTS (SELECT 1 FROM request_approvals WHERE request_id = p_request AND reviewer = who) THEN
    RAISE EXCEPTION '% has already approved request %', who, p_request USING ERRCODE = 'P0001';
  END IF;
  IF NOT registry_tui_may_review(r.tag, who) THEN
    RAISE EXCEPTION '% is not a reviewer of tag ''%'' (request %)', who, r.tag, p_request
      USING ERRCODE = 'P0001';
  END IF;
  INSERT INTO request_approvals (request_id, reviewer, at, comment)
    VALUES (p_request, who, at_now, p_comment);
  INSERT INTO registry_events (at, event, model_id, tag, actor, details)
  VALUES (at_now, 'approve', r.model_id, r.tag, who, jsonb_build_object('request_id', p_request,
          'comment', p_comment, 'advisory', false)::text);
  SELECT array_agg(reviewer ORDER BY at, reviewer) INTO approvers FROM request_approvals
    WHERE request_id = p_request AND (r.allow_self OR reviewer <> r.requested_by);
  IF coalesce(array_length(approvers, 1), 0) >= r.needed THEN
    IF r.kind = 'promote' THEN
      PERFORM registry_tui_move(r.model_id, r.tag, 'promote', jsonb_build_object(
        'request_id', p_request, 'approved_by', to_jsonb(approvers)), at_now);
    ELSE
      DELETE FROM tag_protections WHERE tag = r.tag;
      INSERT INTO registry_events (at, event, tag, actor, details)
      VALUES (at_now, 'unprotect', r.tag, who, jsonb_build_object('request_id', p_request,
              'approved_by', to_jsonb(approvers))::text);
    END IF;
    UPDATE promotion_requests SET state = 'applied', decided_by = who, decided_at = at_now
      WHERE request_id = p_request;
  END IF;
  RETURN NULL;
END $$"""

DECIDE = """
CREATE OR REPLACE FUNCTION {schema}.registry_tui_decide(
  p_request bigint, p_state text, p_note text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  r promotion_requests%ROWTYPE;
  who text := session_user;
  at_now timestamp := date_trunc('second', now() AT TIME ZONE 'utc');
BEGIN
  SELECT * INTO r FROM promotion_requests WHERE request_id = p_request FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Request % not found', p_request USING ERRCODE = 'P0002';
  END IF;
  IF r.decided_at IS NOT NULL THEN
    RAISE EXCEPTION 'Request % is already %', p_request, r.state USING ERRCODE = 'P0001';
  END IF;
  IF p_state = 'cancelled' AND who <> r.requested_by THEN
    RAISE EXCEPTION 'Only %, who made request %, can cancel it', r.requested_by, p_request
      USING ERRCODE = 'P0001';
  END IF;
  IF p_state = 'rejected' AND NOT registry_tui_may_review(r.tag, who) THEN
    RAISE EXCEPTION '% is not a reviewer of tag ''%'' and cannot reject request %', who, r.tag,
      p_request USING ERRCODE = 'P0001';
  END IF;
  IF p_state NOT IN ('cancelled', 'rejected') THEN
    RAISE EXCEPTION 'Unknown decision %', p_state USING ERRCODE = 'P0001';
  END IF;
  UPDATE promotion_requests SET state = p_state, decided_by = who, decided_at = at_now,
    decision_note = p_note WHERE request_id = p_request;
  INSERT INTO registry_events (at, event, model_id, tag, actor, details)
  VALUES (at_now, CASE p_state WHEN 'cancelled' THEN 'cancel' ELSE 'reject' END, r.model_id,
          r.tag, who, jsonb_build_object('request_id', p_request, 'reason', p_note)::text);
END $$"""

BREAK_GLASS = """
CREATE OR REPLACE FUNCTION {schema}.registry_tui_break_glass(
  p_model bigint, p_tag text, p_reason text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  IF NOT (pg_has_role(session_user, {admin}, 'MEMBER')
          OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
    RAISE EXCEPTION '% is not an admin: break-glass promote refused', session_user
      USING ERRCODE = 'P0001';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('registry_tui:tag:' || p_tag));
  RETURN registry_tui_move(p_model, p_tag, 'break_glass', jsonb_build_object(
    'reason', p_reason, 'advisory', false), date_trunc('second', now() AT TIME ZONE 'utc'))::text;
END $$"""

FUNCTIONS = (MAY_REVIEW, MOVE, APPROVE, DECIDE, BREAK_GLASS)
SIGNATURES = (
    "registry_tui_may_review(text, text)",
    "registry_tui_move(bigint, text, text, jsonb, timestamp)",
    "registry_tui_approve(bigint, text)",
    "registry_tui_decide(bigint, text, text)",
    "registry_tui_break_glass(bigint, text, text)",
)
CALLABLE = SIGNATURES[2:]
"""The functions the roles may execute (the helpers stay the owner's)."""
