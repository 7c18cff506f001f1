-- Moderation: channel bans, shadow bans, mutes, blocks, flags, slow mode and blocklists.

-- App-wide shadow ban: the user keeps sending; their new messages are visible to themselves only.
alter table app_user add column shadow_banned boolean not null default false;
alter table app_user add column shadow_ban_expires_at timestamptz;

-- A message only its author sees (shadow-banned author, a blocklist's shadow behaviour, or a moderator's review).
alter table message add column shadowed boolean not null default false;
create index message_shadowed_idx on message (channel_pk, seq) where shadowed;

-- Bans in one channel, plain or shadow, with an optional end.
create table channel_ban (
    channel_pk  uuid        not null references channel (pk) on delete cascade,
    app_id      uuid        not null,
    user_id     text        not null,
    shadow      boolean     not null default false,
    reason      text,
    banned_by   text,
    expires_at  timestamptz,
    created_at  timestamptz not null,
    primary key (channel_pk, user_id),
    foreign key (app_id, user_id) references app_user (app_id, id) on delete cascade
);
create index channel_ban_app_idx on channel_ban (app_id, created_at);

-- A user mutes another user (until expires_at, or for good).
create table user_mute (
    app_id      uuid        not null,
    user_id     text        not null,
    target_id   text        not null,
    expires_at  timestamptz,
    created_at  timestamptz not null,
    primary key (app_id, user_id, target_id),
    foreign key (app_id, user_id) references app_user (app_id, id) on delete cascade,
    foreign key (app_id, target_id) references app_user (app_id, id) on delete cascade
);

-- A member mutes a channel: no push, not counted in the total unread; events still arrive.
alter table channel_member add column muted boolean not null default false;
alter table channel_member add column mute_expires_at timestamptz;

-- A user blocks another: no distinct 1:1 channel between them, and the blocked user's messages are hidden from the blocker.
create table user_block (
    app_id      uuid        not null,
    user_id     text        not null,
    blocked_id  text        not null,
    created_at  timestamptz not null,
    primary key (app_id, user_id, blocked_id),
    foreign key (app_id, user_id) references app_user (app_id, id) on delete cascade,
    foreign key (app_id, blocked_id) references app_user (app_id, id) on delete cascade
);
create index user_block_blocked_idx on user_block (app_id, blocked_id);

-- Flags on messages and users, reviewed by moderators. One open flag per flagger and target.
create table flag (
    id              uuid        primary key,
    app_id          uuid        not null,
    target_type     text        not null check (target_type in ('message', 'user')),
    message_id      text,
    target_user_id  text        not null,
    channel_cid     text,
    flagged_by      text        not null,
    reason          text,
    created_at      timestamptz not null,
    reviewed_at     timestamptz,
    reviewed_by     text,
    review_action   text check (review_action in ('dismiss', 'delete_message', 'ban_user', 'shadow_message')),
    review_note     text
);
create unique index flag_once_idx on flag (app_id, target_type, coalesce(message_id, ''), target_user_id, flagged_by);
create index flag_open_idx on flag (app_id, created_at) where reviewed_at is null;

-- Slow mode: seconds between two messages of one user in the channel (0 = off), and when each user last sent.
alter table channel add column cooldown_secs integer not null default 0 check (cooldown_secs between 0 and 120);
create table channel_cooldown (
    channel_pk    uuid        not null references channel (pk) on delete cascade,
    user_id       text        not null,
    last_sent_at  timestamptz not null,
    primary key (channel_pk, user_id)
);

-- Blocklists of an app and the channel types they apply to.
create table blocklist (
    app_id      uuid        not null references app (id) on delete cascade,
    name        text        not null,
    definition  text        not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    primary key (app_id, name)
);
create table channel_type_blocklist (
    app_id        uuid not null,
    channel_type  text not null,
    blocklist     text not null,
    primary key (app_id, channel_type, blocklist),
    foreign key (app_id, channel_type) references channel_type (app_id, name) on delete cascade,
    foreign key (app_id, blocklist) references blocklist (app_id, name) on delete cascade
);

-- The built-in channel types of existing apps get the new permissions, as new apps do (BuiltInChannelTypes):
-- members flag, moderators and owners ban in the channel and skip slow mode, livestream's users flag.
update channel_type t set grants = (
    select jsonb_object_agg(g.key,
        g.value
        || case when g.key in ('member', 'moderator', 'owner') or (t.name = 'livestream' and g.key = 'user')
                then '["flag-message"]'::jsonb else '[]'::jsonb end
        || case when g.key in ('moderator', 'owner') then '["ban-channel-member", "skip-slow-mode"]'::jsonb else '[]'::jsonb end)
    from jsonb_each(t.grants::jsonb) g)::text
where t.built_in and t.grants <> '{}';
