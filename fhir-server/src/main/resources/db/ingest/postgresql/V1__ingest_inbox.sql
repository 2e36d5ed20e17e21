-- The device bridge's inbox: every acknowledged payload, stored before the acknowledgement, and
-- what became of each measurement in it. HAPI's own tables are not touched here.
create table hm_ingest_submission (
  id varchar(36) primary key,
  vendor varchar(64) not null,
  format varchar(32) not null,
  received_at timestamp(3) with time zone not null,
  payload_sha256 varchar(64) not null,
  payload bytea not null,
  status varchar(16) not null,
  attempts integer not null,
  next_attempt_at timestamp(3) with time zone not null,
  last_error varchar(2000),
  quarantined integer not null,
  updated_at timestamp(3) with time zone not null
);

create index hm_ingest_submission_due on hm_ingest_submission (status, next_attempt_at);
create index hm_ingest_submission_vendor on hm_ingest_submission (vendor, status);

create table hm_ingest_outcome (
  submission_id varchar(36) not null references hm_ingest_submission (id),
  seq integer not null,
  concept varchar(32) not null,
  identity varchar(300),
  outcome varchar(16) not null,
  reason varchar(2000),
  observation_id varchar(64),
  observation_version varchar(16),
  primary key (submission_id, seq)
);

-- Signatures seen within the replay window: a second use of one is a replay.
create table hm_ingest_signature (
  vendor varchar(64) not null,
  signature_sha256 varchar(64) not null,
  seen_at timestamp(3) with time zone not null,
  primary key (vendor, signature_sha256)
);
