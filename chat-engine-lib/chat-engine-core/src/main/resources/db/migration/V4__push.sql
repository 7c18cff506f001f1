-- Push devices: a push token belongs to one user of one app.
create table device (
    app_id      uuid        not null,
    id          text        not null,
    user_id     text        not null,
    provider    text        not null check (provider in ('firebase')),
    created_at  timestamptz not null,
    primary key (app_id, id),
    foreign key (app_id, user_id) references app_user (app_id, id) on delete cascade
);
create index device_user_idx on device (app_id, user_id);
