-- Compliance core: tenant data keys and sealed content, message revisions, membership history,
-- the append-only audit log with its checkpoints, retention policies and legal holds.

-- Per-app data encryption keys (DEKs), wrapped by the KeyProvider's key-encryption key.
-- Version n+1 is created by a rotation; older versions stay until re-encryption no longer needs them.
create table app_data_key (
    app_id      uuid        not null references app (id) on delete cascade,
    version     integer     not null,
    wrapped     bytea       not null,
    created_at  timestamptz not null,
    retired_at  timestamptz,
    primary key (app_id, version)
);
-- Set when an app's keys are destroyed (crypto-shredding): its sealed content can never be read again.
alter table app add column keys_destroyed_at timestamptz;

-- Message text, attachments and custom data live sealed (AES-256-GCM) in `content`; the plaintext columns stay
-- empty for sealed rows. key_version names the DEK that sealed the row.
alter table message add column content bytea;
alter table message add column key_version integer;
create index message_key_version_idx on message (app_id, key_version);
-- A message kept only for a legal hold: deleted for users, kept (and exported) for the hold.
alter table message add column hold_deleted boolean not null default false;
-- retention purges look for an app's messages by age
create index message_app_created_idx on message (app_id, created_at);

-- Event payloads are sealed too: they carry message content.
alter table outbox_event add column sealed_payload bytea;
alter table outbox_event add column key_version integer;
-- a random id per row, bound into the sealed payload's associated data: a payload cannot be moved to another row
alter table outbox_event add column seal_id uuid;
alter table outbox_event alter column payload drop not null;

-- Earlier versions of edited messages, sealed, for compliance exports.
create table message_revision (
    app_id       uuid        not null,
    message_id   text        not null,
    revision     integer     not null,
    content      bytea       not null,
    key_version  integer     not null,
    replaced_at  timestamptz not null,
    primary key (app_id, message_id, revision),
    foreign key (app_id, message_id) references message (app_id, id) on delete cascade
);

-- Who was a member of a channel and when: exports give each message the membership at its time.
create table membership_event (
    id          bigserial   primary key,
    app_id      uuid        not null,
    channel_pk  uuid        not null references channel (pk) on delete cascade,
    user_id     text        not null,
    kind        text        not null check (kind in ('joined', 'left')),
    at          timestamptz not null
);
create index membership_event_channel_idx on membership_event (channel_pk, at);
insert into membership_event (app_id, channel_pk, user_id, kind, at)
select app_id, channel_pk, user_id, 'joined', created_at from channel_member;
-- A trigger records every join and leave, whichever code path changes membership. Rows removed by a channel's
-- deletion are not recorded (the channel and its history go together).
create function chatsdk_membership_history() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into membership_event (app_id, channel_pk, user_id, kind, at) values (new.app_id, new.channel_pk, new.user_id, 'joined', new.created_at);
    elsif exists (select 1 from channel where pk = old.channel_pk) then
        insert into membership_event (app_id, channel_pk, user_id, kind, at) values (old.app_id, old.channel_pk, old.user_id, 'left', clock_timestamp());
    end if;
    return null;
end;
$$;
create trigger channel_member_history after insert or delete on channel_member
    for each row execute function chatsdk_membership_history();

-- The audit log: one SHA-256 hash chain per app ('operator' for actions not tied to an app).
create table audit_log (
    chain          text        not null,
    seq            bigint      not null,
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
    outcome        text        not null check (outcome in ('success', 'failure')),
    reason         text,
    details        jsonb       not null default '{}',
    prev_hash      bytea       not null,
    hash           bytea       not null,
    primary key (chain, seq)
);
create index audit_log_app_at_idx on audit_log (app_id, at);
create index audit_log_actor_idx on audit_log (app_id, actor_id, at);
create index audit_log_action_idx on audit_log (app_id, action, at);
create index audit_log_resource_idx on audit_log (app_id, resource_type, resource_id, at);

-- The head of each chain; appenders lock its row, which orders a chain's records.
create table audit_chain (
    chain      text   primary key,
    last_seq   bigint not null,
    last_hash  bytea  not null
);

-- Ed25519 signatures over chain heads, made periodically with the operator's key.
create table audit_checkpoint (
    chain      text        not null,
    seq        bigint      not null,
    hash       bytea       not null,
    at         timestamptz not null,
    key_id     text        not null,
    signature  bytea       not null,
    primary key (chain, seq)
);

-- Append-only: refuse UPDATE, DELETE and TRUNCATE for every role, the table owner included. (Grants keep the
-- runtime role from dropping the trigger; see docs/compliance.md.)
create function chatsdk_refuse_audit_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only: % on % is refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function chatsdk_refuse_audit_change();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function chatsdk_refuse_audit_change();
create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint
    for each row execute function chatsdk_refuse_audit_change();
create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
    for each statement execute function chatsdk_refuse_audit_change();

-- Retention: the maximum age of messages per app, optionally narrowed to a channel type or one channel.
-- The most specific policy wins (channel, then channel type, then app).
create table retention_policy (
    id            uuid        primary key,
    app_id        uuid        not null references app (id) on delete cascade,
    channel_type  text,
    channel_cid   text,
    max_age_secs  bigint      not null check (max_age_secs > 0),
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
create unique index retention_policy_scope_idx on retention_policy (app_id, coalesce(channel_type, ''), coalesce(channel_cid, ''));

-- Legal holds: users and/or channels, a date range, a reason. Released holds stay for the record.
create table legal_hold (
    id           uuid        primary key,
    app_id       uuid        not null references app (id) on delete cascade,
    name         text        not null,
    reason       text        not null,
    user_ids     text[]      not null default '{}',
    channel_cids text[]      not null default '{}',
    starts_at    timestamptz,
    ends_at      timestamptz,
    created_by   text        not null,
    created_at   timestamptz not null,
    released_at  timestamptz,
    released_by  text
);
create index legal_hold_active_idx on legal_hold (app_id) where released_at is null;
