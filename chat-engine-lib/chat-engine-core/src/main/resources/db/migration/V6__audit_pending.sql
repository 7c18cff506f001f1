-- Audit records written in the transaction of the change they record (issue #15): one commit for the change and its
-- record, instead of two. The audit writer chains them into audit_log in id order within milliseconds (and at the next
-- start after a crash), deleting them in the same transaction; until then queries and exports chain them first.
create table audit_pending (
    id             bigserial   primary key,
    app_id         uuid,
    at             timestamptz not null,
    actor_type     text        not null,
    actor_id       text,
    actor_role     text,
    action         text        not null,
    resource_type  text,
    resource_id    text,
    ip             text,
    user_agent     text,
    success        boolean     not null,
    reason         text,
    details        jsonb       not null default '{}'
);
