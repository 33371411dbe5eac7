import { SAMPLE_RULES } from '@cogauth/sample';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CogauthStack, type CogauthStackProps } from './cogauth-stack.js';
import { propsFromContext } from './context-props.js';

export const STACK_NAME = 'CogauthStack';

export interface BuildAppOptions {
  readonly outdir?: string;
  /** Context values, as `cdk -c key=value` would pass them (see context-props.ts). */
  readonly context?: Record<string, string>;
  /** Stack props that override the context; the rules are always the sample's (packages/sample/rules.json). */
  readonly props?: Omit<CogauthStackProps, 'rules'>;
}

/**
 * The app `cdk synth` runs (bin/app.ts) and the tests synthesize in-process, so both check the same
 * template. The stack is environment-agnostic: synthesis needs no account, region or credentials.
 * cdk-nag's AwsSolutions pack runs on every synth; an unacknowledged finding fails `cdk synth`.
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: CogauthStack } {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.context === undefined ? {} : { context: options.context }),
  });
  const stack = new CogauthStack(app, STACK_NAME, {
    description: 'cogauth: Cognito user pool, JWT authorizer, sample REST and HTTP APIs',
    ...propsFromContext(app),
    ...options.props,
    rules: SAMPLE_RULES,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
