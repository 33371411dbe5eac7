/** The Cognito groups the sample rules refer to; the CDK app creates them, the local stack too. */
export const SAMPLE_GROUPS = ['readers', 'writers', 'admin'] as const;

export type SampleGroup = (typeof SAMPLE_GROUPS)[number];
