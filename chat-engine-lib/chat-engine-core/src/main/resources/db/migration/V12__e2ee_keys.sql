-- The prekey directory of end-to-end encrypted chats (issue #22): public keys only, as libsignal serializes them.
create table e2ee_device (
    app_id                   uuid        not null,
    user_id                  text        not null,
    device_id                integer     not null check (device_id between 1 and 127),
    registration_id          integer     not null,
    identity_key             bytea       not null check (length(identity_key) = 33),
    signed_prekey_id         integer     not null,
    signed_prekey            bytea       not null check (length(signed_prekey) = 33),
    signed_prekey_signature  bytea       not null check (length(signed_prekey_signature) = 64),
    pq_last_resort_id        integer     not null,
    pq_last_resort           bytea       not null check (length(pq_last_resort) = 1569),
    pq_last_resort_signature bytea       not null check (length(pq_last_resort_signature) = 64),
    created_at               timestamptz not null,
    updated_at               timestamptz not null,
    primary key (app_id, user_id, device_id),
    foreign key (app_id, user_id) references app_user (app_id, id) on delete cascade
);

-- one-time keys, each handed out once: 'ec' (Curve25519, unsigned) and 'pq' (Kyber-1024, signed)
create table e2ee_one_time_key (
    app_id     uuid    not null,
    user_id    text    not null,
    device_id  integer not null,
    kind       text    not null check (kind in ('ec', 'pq')),
    key_id     integer not null,
    public_key bytea   not null,
    signature  bytea,
    primary key (app_id, user_id, device_id, kind, key_id),
    foreign key (app_id, user_id, device_id) references e2ee_device (app_id, user_id, device_id) on delete cascade,
    check ((kind = 'ec' and length(public_key) = 33 and signature is null)
        or (kind = 'pq' and length(public_key) = 1569 and length(signature) = 64))
);
