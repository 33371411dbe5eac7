// Running the built CLI against the Cognito stand-in (@cogauth/test-fixtures): pool flags, and a run whose
// stdin stays open so each answer is written only once the CLI says on stderr that it waits for it
// (`cogauth: <CHALLENGE>: reading ... from stdin`), as a script answering an SMS code would.
import { spawn } from 'node:child_process';
import type { CognitoStandIn } from '@cogauth/test-fixtures';
import { BIN, type CliResult, cleanEnv } from './run-cli.js';

export function standInFlags(standIn: CognitoStandIn, poolId: string, clientId: string): string[] {
  return ['--endpoint', standIn.endpoint, '--user-pool-id', poolId, '--client-id', clientId];
}

export interface AnswerStep {
  /** Written once this appears on stderr (after the previous step's marker). */
  when: string;
  answer: () => string;
}

export interface AnsweringRun {
  env?: Record<string, string | undefined>;
  /** Lines written at once (e.g. the password with --password-stdin). */
  first?: string[];
  steps?: AnswerStep[];
  timeoutMs?: number;
}

/** The run's result; stdin is closed after the last step (or at once without steps). */
export function runAnswering(args: string[], run: AnsweringRun = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(run.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const steps = [...(run.steps ?? [])];
  let stdout = '';
  let stderr = '';
  let searchFrom = 0;
  child.stdin.on('error', () => {}); // the CLI may exit (an error) before every answer was written
  for (const line of run.first ?? []) child.stdin.write(`${line}\n`);
  if (steps.length === 0) child.stdin.end();
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    const step = steps[0];
    if (!step) return;
    const at = stderr.indexOf(step.when, searchFrom);
    if (at < 0) return;
    searchFrom = at + step.when.length;
    steps.shift();
    child.stdin.write(`${step.answer()}\n`);
    if (steps.length === 0) child.stdin.end();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cogauth ${args[0]} timed out; stderr: ${stderr}`));
    }, run.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, notices: [] });
    });
  });
}
