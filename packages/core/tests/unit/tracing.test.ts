import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, createAuthorizer } from '../../src/index.js';
import { writeEnvironment } from '../../src/lambda.js';
import {
  accessToken,
  CLIENT_ID,
  jwksOf,
  key,
  localVerifier,
  POOL_ID,
  SAMPLE_RULES,
  tokenEvent,
} from '../helpers/fixtures.js';

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});
afterAll(() => trace.disable());
afterEach(() => {
  exporter.reset();
  vi.restoreAllMocks();
});

const spans = () =>
  exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    id: s.spanContext().spanId,
    parent: s.parentSpanContext?.spanId,
    attributes: s.attributes,
    status: s.status.code,
  }));

describe('tracing: otel', () => {
  it('makes each decision a span with its reason, and the verification a child span', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const handler = createAuthorizer({ verifier: localVerifier(), rules: SAMPLE_RULES, tracing: 'otel' });
    const token = accessToken();
    await handler(tokenEvent(`Bearer ${token}`));
    const [verify, decision] = spans();
    expect(decision).toMatchObject({
      name: 'cogauth.decision',
      attributes: { 'cogauth.decision': 'Allow', 'cogauth.reason': 'ALLOWED', 'cogauth.event': 'TOKEN' },
    });
    expect(verify).toMatchObject({
      name: 'cogauth.verify',
      parent: decision?.id,
      attributes: { 'cogauth.verify.result': 'VALID' },
    });

    exporter.reset();
    await expect(handler(tokenEvent(`Bearer ${accessToken(key(), { ttlSeconds: -60 })}`))).rejects.toThrow(
      'Unauthorized',
    );
    await expect(handler({ type: 'NOPE' } as never)).rejects.toThrow('Unauthorized');
    const [expired, refusal, unsupported] = spans();
    expect(expired).toMatchObject({
      name: 'cogauth.verify',
      attributes: { 'cogauth.verify.result': 'TOKEN_EXPIRED' },
    });
    expect(refusal?.attributes).toMatchObject({
      'cogauth.decision': 'Unauthorized',
      'cogauth.reason': 'TOKEN_EXPIRED',
    });
    expect(unsupported?.attributes).toMatchObject({ 'cogauth.reason': 'EVENT_UNSUPPORTED' });
    // No attribute holds the token or a claim.
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes))).not.toMatch(/eyJ|sub/);
  });

  it("marks the authorizer's own failures (JWKS down, a throwing verifier) as span errors, a refused token not", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const broken = { verify: () => Promise.reject(new TypeError('boom')) } as never;
    const handler = createAuthorizer({ verifier: broken, rules: SAMPLE_RULES, tracing: 'otel' });
    await expect(handler(tokenEvent(`Bearer ${accessToken()}`))).rejects.toThrow('Unauthorized');
    const [verify, decision] = spans();
    expect(verify).toMatchObject({ attributes: { 'cogauth.verify.result': 'VERIFIER_ERROR' }, status: 2 });
    expect(decision).toMatchObject({ attributes: { 'cogauth.reason': 'VERIFIER_ERROR' }, status: 2 });
  });

  it('marks an answer refused for its size (ANSWER_TOO_LARGE) as a span error: the authorizer could not answer', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const handler = createAuthorizer({
      verifier: localVerifier(),
      rules: SAMPLE_RULES,
      tracing: 'otel',
      context: () => ({ pad: 'x'.repeat(8192) }),
    });
    await expect(handler(tokenEvent(`Bearer ${accessToken()}`))).rejects.toThrow(/^Unauthorized$/);
    const decision = spans().find((s) => s.name === 'cogauth.decision');
    expect(decision).toMatchObject({ attributes: { 'cogauth.reason': 'ANSWER_TOO_LARGE' }, status: 2 });
  });

  it('a tracer that throws changes no decision (fail-safe reporting, not an error answer)', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const broken = {
      startSpan: () => {
        throw new Error('tracer down');
      },
      startActiveSpan: () => {
        throw new Error('tracer down');
      },
    };
    trace.disable();
    trace.setGlobalTracerProvider({ getTracer: () => broken } as never);
    try {
      const handler = createAuthorizer({ verifier: localVerifier(), rules: SAMPLE_RULES, tracing: 'otel' });
      const result = await handler(tokenEvent(`Bearer ${accessToken()}`));
      expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
      await expect(handler(tokenEvent('Bearer x'))).rejects.toThrow(/^Unauthorized$/);
    } finally {
      trace.disable();
      trace.setGlobalTracerProvider(
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
      );
    }
  });

  it('tracing off (the default) makes no span', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const handler = createAuthorizer({ verifier: localVerifier(), rules: SAMPLE_RULES });
    await handler(tokenEvent(`Bearer ${accessToken()}`));
    expect(spans()).toEqual([]);
  });

  it('refuses an unknown mode naming the option or variable', () => {
    expect(() =>
      createAuthorizer({ verifier: localVerifier(), rules: SAMPLE_RULES, tracing: 'xray' as never }),
    ).toThrow(new ConfigError('tracing', "must be 'off' or 'otel'"));
  });
});

describe('the bundle loads @opentelemetry/api only with COGAUTH_TRACING=otel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cogauth-tracing-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // The bundle alone in a folder, as in a Lambda zip: @opentelemetry/api is found only through NODE_PATH
  // (where Lambda puts a layer's node_modules) or not at all.
  copyFileSync(join(import.meta.dirname, '../../dist/lambda/index.mjs'), join(dir, 'index.mjs'));
  const env = writeEnvironment({
    verifier: { userPoolId: POOL_ID, clientId: [CLIENT_ID], tokenUse: 'access', jwks: jwksOf(key()) },
    rules: SAMPLE_RULES,
  });
  const LAYER = join(import.meta.dirname, '../../node_modules');
  // Answers one TOKEN event, then says whether any OpenTelemetry module was loaded.
  const probe = `
    const { createRequire } = await import('node:module');
    const { handler } = await import('./index.mjs');
    await handler({ type: 'TOKEN', authorizationToken: 'Bearer ' + process.env.TOKEN,
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/messages' });
    const files = Object.keys(createRequire(import.meta.url).cache);
    process.stderr.write('LOADED=' + files.some((f) => f.includes('@opentelemetry')));`;
  const run = (extra: Record<string, string>) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...env, TOKEN: accessToken(), ...extra },
      encoding: 'utf8',
    });

  it('off (the default): nothing of OpenTelemetry is loaded, even where it could be found', () => {
    const result = run({ NODE_PATH: LAYER });
    expect(result.stderr).toBe('LOADED=false');
    expect(result.status).toBe(0);
  });

  it('otel: loaded from a layer (NODE_PATH); without one the cold start fails naming COGAUTH_TRACING', () => {
    expect(run({ COGAUTH_TRACING: 'otel', NODE_PATH: LAYER }).stderr).toBe('LOADED=true');
    const missing = run({ COGAUTH_TRACING: 'otel' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("COGAUTH_TRACING: is 'otel', but @opentelemetry/api cannot be loaded");
  });
});
