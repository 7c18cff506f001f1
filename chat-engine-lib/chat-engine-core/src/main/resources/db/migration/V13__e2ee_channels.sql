-- End-to-end encrypted channels (issue #22): a column, set when the channel is created and never changed, so that no
-- channel's custom data can turn a channel into an encrypted one (or out of one).
alter table channel add column e2ee boolean not null default false;
