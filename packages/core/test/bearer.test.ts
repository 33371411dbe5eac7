import { describe, expect, it } from 'vitest';
import { parseBearer } from '../src/index.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl_-';

describe('parseBearer', () => {
  it.each([`Bearer ${JWT}`, `bearer ${JWT}`, `BEARER ${JWT}`, `  Bearer   ${JWT}  `, `\tBearer\t${JWT}\t`])(
    'accepts %j',
    (value) => {
      expect(parseBearer(value)).toEqual({ token: JWT });
    },
  );

  it.each([undefined, null, ''])('reports %j as missing', (value) => {
    expect(parseBearer(value)).toEqual({ error: 'TOKEN_MISSING' });
  });

  it.each([
    JWT,
    `Basic ${JWT}`,
    `Bearer${JWT}`,
    `Bearer ${JWT} ${JWT}`,
    `Bearer ${JWT}, Bearer ${JWT}`,
    `Bearer ${JWT}.x`,
    'Bearer a.b',
    'Bearer a..c',
    `Bearer ${JWT.replace('.', '=.')}`,
    `Bearer\n${JWT}`,
    `Bearer ${JWT}\u00a0`,
    '   ',
    `Bearer ${'a'.repeat(20000)}.b.c`,
    42,
    ['Bearer', JWT],
  ])('refuses %j as malformed', (value) => {
    expect(parseBearer(value)).toEqual({ error: 'BEARER_MALFORMED' });
  });
});
