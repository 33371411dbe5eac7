// Shared setup for the stand-in's tests: one signing key per test file (RSA key generation is slow and can
// hang Node 20 when repeated), an SDK client pointed at the stand-in with dummy credentials, and the
// helpers the SDK needs to read a token.
import {
  CognitoIdentityProviderClient,
  type CognitoIdentityProviderServiceException,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'vitest';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** maxAttempts 1: the SDK would retry throttling and 5xx answers, hiding what the stand-in said. */
export function sdkClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'standin-secret' },
    maxAttempts: 1,
  });
}

/** The Cognito error a call failed with: its `__type` (the SDK's `name`), message and HTTP status. */
export async function rejected(
  promise: Promise<unknown>,
): Promise<{ type: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as CognitoIdentityProviderServiceException;
    return { type: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

export function claimsOf(jwt: string | undefined): Record<string, unknown> {
  expect(jwt?.split('.')).toHaveLength(3);
  return JSON.parse(Buffer.from(String(jwt).split('.')[1] ?? '', 'base64url').toString('utf8'));
}

export function headerOf(jwt: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(jwt).split('.')[0] ?? '', 'base64url').toString('utf8'));
}

/** A password the default policy accepts. */
export const PASSWORD = 'Corr3ct-horse!';
