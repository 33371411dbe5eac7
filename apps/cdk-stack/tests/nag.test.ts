import { NAG_REASONS as CDK_NAG_REASONS } from '@cogauth/cdk';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../lib/app.js';
import { AWS_MANAGED_LOGS_POLICY, NAG_REASONS } from '../lib/nag-suppressions.js';
import { removeOutdirs, tempOutdir } from './support/synth.js';

afterAll(removeOutdirs);

interface Acknowledgement {
  path: string;
  id: string;
  reason: unknown;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** cdk-nag's own check, which skips acknowledged findings: what is left would fail `cdk synth`. */
function unacknowledged(root: IConstruct) {
  return new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(root).violations;
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default stack, and the in-memory synth passes validation', () => {
    const { app, stack } = buildApp({ outdir: tempOutdir() });
    // With the plugin registered, synth throws on any finding left (it runs in memory here). It also runs
    // the aspect with which @cogauth/cdk acknowledges COG4 on the methods its authorizer guards.
    expect(() => app.synth()).not.toThrow();
    const violations = unacknowledged(stack);
    expect(violations.filter((v) => v.severity === 'error')).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('acknowledges only the expected rules, each with its written reason', () => {
    const { app, stack } = buildApp({ outdir: tempOutdir() });
    app.synth();
    const acks = acknowledgements(stack);
    const reasons: string[] = [...Object.values(NAG_REASONS), ...Object.values(CDK_NAG_REASONS)];
    for (const ack of acks) {
      expect(typeof ack.reason, ack.id).toBe('string');
      expect((ack.reason as string).length, ack.id).toBeGreaterThan(80);
      expect(reasons, `${ack.path} ${ack.id}`).toContain(ack.reason);
    }
    const byRule = new Map<string, string[]>();
    for (const ack of acks) byRule.set(ack.id, [...(byRule.get(ack.id) ?? []), ack.path]);
    expect([...byRule.keys()].sort()).toEqual(
      [
        'AwsSolutions-APIG3',
        'AwsSolutions-COG2',
        'AwsSolutions-COG4',
        'AwsSolutions-COG8',
        `AwsSolutions-IAM4[${AWS_MANAGED_LOGS_POLICY}]`,
        'AwsSolutions-L1',
      ].sort(),
    );
    // L1 on the five functions only (the authorizer's from @cogauth/cdk), COG4 on the four REST methods.
    expect(byRule.get('AwsSolutions-L1')?.length).toBe(5);
    expect(byRule.get('AwsSolutions-L1')).toContain('CogauthStack/Authorizer/Function');
    expect(byRule.get('AwsSolutions-COG4')?.sort()).toEqual(
      [
        'CogauthStack/Rest/Api/Default/messages/GET/Resource',
        'CogauthStack/Rest/Api/Default/messages/POST/Resource',
        'CogauthStack/Rest/Api/Default/messages/{id}/DELETE/Resource',
        'CogauthStack/Rest/Api/Default/me/GET/Resource',
      ].sort(),
    );
    expect(byRule.get(`AwsSolutions-IAM4[${AWS_MANAGED_LOGS_POLICY}]`)).toEqual([
      'CogauthStack/Rest/Api/CloudWatchRole',
    ]);
  });

  it('needs no threat-protection, MFA or WAF acknowledgement once those are turned on', () => {
    const { app, stack } = buildApp({
      outdir: tempOutdir(),
      props: {
        threatProtection: 'enforced',
        mfa: 'required',
        webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/cogauth/0a1b2c3d',
        apiGatewayCloudWatchRole: false,
      },
    });
    expect(() => app.synth()).not.toThrow();
    const ids = acknowledgements(stack).map((a) => a.id);
    for (const id of ['AwsSolutions-COG8', 'AwsSolutions-COG2', 'AwsSolutions-APIG3'])
      expect(ids).not.toContain(id);
    expect(ids.some((id) => id.startsWith('AwsSolutions-IAM4'))).toBe(false);
    expect(unacknowledged(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged with monitoring on, and acknowledges nothing more', () => {
    const { app, stack } = buildApp({ outdir: tempOutdir(), context: { monitoring: 'true' } });
    expect(() => app.synth()).not.toThrow();
    expect(stack.authorizer.monitoring?.dashboard).toBeDefined();
    expect(Object.keys(stack.authorizer.monitoring?.alarms ?? {})).toHaveLength(5);
    expect(unacknowledged(stack)).toEqual([]);
    const { app: plain, stack: plainStack } = buildApp({ outdir: tempOutdir() });
    plain.synth();
    const ids = (s: IConstruct) =>
      acknowledgements(s)
        .map((a) => `${a.path} ${a.id}`)
        .sort();
    expect(ids(stack)).toEqual(ids(plainStack));
  });

  it('still reports what is not acknowledged: a wildcard grant on the authorizer role fails', () => {
    const { app, stack } = buildApp({ outdir: tempOutdir() });
    stack.authorizer.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:*'], resources: ['*'] }));
    const errors = unacknowledged(stack).filter((v) => v.severity === 'error');
    expect(errors.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-IAM5[Action::logs:*]', 'AwsSolutions-IAM5[Resource::*]']),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
