-- Account tokens leave the ordinary keys' name namespace (core::KeyNameKey): their name_key
-- becomes char(1) || 'account:' || account_id, which no valid key name can equal, so a key named
-- like a token can no longer block it, nor a token a key.
UPDATE api_keys SET name_key = char(1) || 'account:' || account_id
 WHERE source = 'account' AND account_id IS NOT NULL;
