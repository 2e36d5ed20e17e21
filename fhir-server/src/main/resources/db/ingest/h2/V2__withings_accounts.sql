-- Withings users the bridge may pull for: their OAuth2 tokens (rotated on every refresh) and the
-- watermark (Withings' updatetime of the last complete pull). The tokens are credentials: the
-- database must be protected like the vendor secrets.
create table hm_withings_account (
  user_id varchar(64) primary key,
  access_token varchar(1000),
  refresh_token varchar(1000),
  expires_at timestamp(3) with time zone,
  watermark timestamp(3) with time zone,
  state varchar(32) not null,
  state_reason varchar(2000),
  updated_at timestamp(3) with time zone not null
);
