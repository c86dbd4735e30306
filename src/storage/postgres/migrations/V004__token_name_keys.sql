-- Account tokens leave the ordinary keys' name namespace (core::KeyNameKey): their name_key
-- becomes chr(1) || 'account:' || account_id, which no valid key name can equal.
UPDATE api_keys SET name_key = chr(1) || 'account:' || account_id
 WHERE source = 'account' AND account_id IS NOT NULL;
