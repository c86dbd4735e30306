// The console's two catalogues of words (web/js/locales) hold the same keys, and every key the
// console's code names literally, t('...'), is in them: a missing word would show as its key.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { REPO_ROOT } from './harness.mjs';

const WEB_JS = path.join(REPO_ROOT, 'web', 'js');
const en = (await import(path.join(WEB_JS, 'locales', 'en.js'))).default;
const ja = (await import(path.join(WEB_JS, 'locales', 'ja.js'))).default;

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'locales' ? [] : sources(file);
    return entry.name.endsWith('.js') ? [file] : [];
  });
}

test('English and Japanese hold the same words', () => {
  // Japanese alone names the permission catalogue, which the API words in English.
  const japaneseOnly = (key) => key.startsWith('permission.') || key.startsWith('permissionGroup.');
  assert.deepEqual(Object.keys(en).filter((k) => !(k in ja)), []);
  assert.deepEqual(Object.keys(ja).filter((k) => !(k in en) && !japaneseOnly(k)), []);
  for (const [key, text] of Object.entries(ja)) assert.notEqual(text.trim(), '', key);
});

test('every word the console names is in the catalogue', () => {
  const used = new Set();
  for (const file of sources(WEB_JS)) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/\bt\('([^']+)'/g)) used.add(match[1]);
  }
  assert.ok(used.size > 100, `only ${used.size} keys found: the scan is broken`);
  assert.deepEqual([...used].filter((key) => !(key in en)).sort(), []);
});
