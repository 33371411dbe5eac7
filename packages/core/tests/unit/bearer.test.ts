import { describe, expect, it } from 'vitest';
import { parseBearer } from '../../src/decide/bearer.js';

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
    `Bearerx ${JWT}`,
    `Bearer ${JWT} ${JWT}`,
    `Bearer ${JWT}, Bearer ${JWT}`,
    `Bearer\n${JWT}`,
    `Bearer\u00a0${JWT}`,
    'Bearer',
    'Bearer   ',
    '   ',
    `Bearer ${'a'.repeat(20000)}.b.c`,
    42,
    ['Bearer', JWT],
  ])('refuses %j as malformed', (value) => {
    expect(parseBearer(value)).toEqual({ error: 'BEARER_MALFORMED' });
  });

  // The token's own syntax is the verifier's job (see authorizer.test.ts: these end in 401 TOKEN_MALFORMED).
  it.each([`${JWT}.x`, 'a.b', 'a..c', `${JWT.replace('.', '=.')}`, `${JWT}\u00a0`, `${JWT},x`])(
    'hands %j to the verifier unchanged',
    (token) => {
      expect(parseBearer(`Bearer ${token}`)).toEqual({ token });
    },
  );
});
