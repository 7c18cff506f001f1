-- Console officers (issue #19): named accounts for the admin console instead of a shared token. A password is kept as
-- an Argon2id hash; the TOTP secret wrapped by the KeyProvider, bound to the officer's id; recovery codes and session
-- ids only as SHA-256 hashes (they are random, 60 and 256 bits). A disabled officer's sessions are deleted with it.
create table officer (
    id               uuid        primary key,
    name             text        not null unique,
    role             text        not null check (role in ('operator', 'compliance', 'moderator', 'auditor')),
    password_hash    text,
    totp_secret      bytea,
    -- the newest TOTP time step accepted: a code is never accepted twice, nor an older one
    totp_last_step   bigint      not null default 0,
    active           boolean     not null default false,
    setup_hash       bytea,
    setup_expires_at timestamptz,
    failures         integer     not null default 0,
    locked_until     timestamptz,
    disabled_at      timestamptz,
    created_at       timestamptz not null,
    created_by       text        not null
);

create table officer_recovery_code (
    officer_id uuid        not null references officer (id) on delete cascade,
    code_hash  bytea       not null,
    used_at    timestamptz,
    primary key (officer_id, code_hash)
);

create table officer_session (
    id_hash      bytea       primary key,
    officer_id   uuid        not null references officer (id) on delete cascade,
    csrf         text        not null,
    created_at   timestamptz not null,
    last_seen_at timestamptz not null,
    -- when the officer last proved password and code: sensitive actions need it to be recent
    authed_at    timestamptz not null,
    ip           text
);
create index officer_session_officer on officer_session (officer_id);
