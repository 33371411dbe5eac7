import { describe, expect, it } from 'vitest';
import {
  cognitoEndpointOf,
  isAwsUserPoolId,
  isClientId,
  issuerFromParts,
  issuerOf,
  issuersOf,
  jwksUriOf,
  parseUserPoolId,
  partitionOfRegion,
} from '../../src/cognito.js';

describe('cognito facts', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['ap-southeast-5', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['eusc-de-east-1', 'aws-eusc'],
    ['us-iso-east-1', undefined],
    ['local', undefined],
    ['US-EAST-1', undefined],
  ])('region %s is in partition %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

  it.each([
    ['us-east-1_AbC123', 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123'],
    ['cn-north-1_AbC123', 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123'],
    ['us-gov-west-1_AbC123', 'https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_AbC123'],
    ['eusc-de-east-1_AbC123', 'https://cognito-idp.eusc-de-east-1.amazonaws.eu/eusc-de-east-1_AbC123'],
  ])('pool %s has issuer %s in both formats', (pool, issuer) => {
    expect(issuerOf(pool)).toBe(issuer);
    expect(issuersOf(pool)).toEqual([
      issuer,
      issuer.replace('https://cognito-idp.', 'https://issuer-cognito-idp.'),
    ]);
    expect(jwksUriOf(issuer)).toBe(`${issuer}/.well-known/jwks.json`);
    expect(isAwsUserPoolId(pool)).toBe(true);
  });

  it('keeps emulator pool ids apart from AWS ones', () => {
    expect(parseUserPoolId('local_4vYH1bWa')).toEqual({
      userPoolId: 'local_4vYH1bWa',
      prefix: 'local',
      region: undefined,
      partition: undefined,
    });
    expect(isAwsUserPoolId('local_4vYH1bWa')).toBe(false);
    expect(issuerOf('local_4vYH1bWa')).toBeUndefined();
    expect(issuersOf('local_4vYH1bWa')).toEqual([]);
  });

  it.each(['', 'us-east-1', 'us-east-1_', '_abc', 'us-east-1_a-b', 'us-east-1_AbC 1', 42, undefined])(
    'refuses %j as a pool id',
    (id) => {
      expect(parseUserPoolId(id)).toBeUndefined();
    },
  );

  it('trims trailing slashes from an issuer without a regex', () => {
    expect(jwksUriOf(`http://127.0.0.1:9229/local_x${'/'.repeat(50_000)}`)).toBe(
      'http://127.0.0.1:9229/local_x/.well-known/jwks.json',
    );
    expect(cognitoEndpointOf('cn-north-1')).toBe('https://cognito-idp.cn-north-1.amazonaws.com.cn/');
    expect(cognitoEndpointOf('nowhere')).toBeUndefined();
  });

  it('builds an issuer from parts known only at deploy time, with the same template as issuerOf', () => {
    const parts = {
      region: '#{AWS::Region}',
      dnsSuffix: '#{AWS::URLSuffix}',
      userPoolId: '#{Pool}',
    };
    expect(issuerFromParts(parts)).toBe('https://cognito-idp.#{AWS::Region}.#{AWS::URLSuffix}/#{Pool}');
    expect(issuerFromParts(parts, 'updated')).toBe(
      'https://issuer-cognito-idp.#{AWS::Region}.#{AWS::URLSuffix}/#{Pool}',
    );
    const known = { region: 'cn-north-1', dnsSuffix: 'amazonaws.com.cn', userPoolId: 'cn-north-1_AbC123' };
    expect(issuerFromParts(known)).toBe(issuerOf(known.userPoolId));
  });

  it.each([
    ['1example23456789', true],
    ['a+b_C9', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['', false],
    ['abc-def', false],
    ['abc def', false],
    ['abc\n', false],
    [42, false],
    [undefined, false],
  ])('client id %j is well-formed: %s', (id, ok) => {
    expect(isClientId(id)).toBe(ok);
  });
});
