// The client side of one SRP proof computed with amazon-cognito-identity-js' AuthenticationHelper (AWS's
// code, not the stand-in's), for tests that drive PASSWORD_VERIFIER through the SDK.
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

interface JsbnBigInteger {
  toString(radix: number): string;
}
interface Helper {
  getLargeAValue(cb: (err: unknown, A: JsbnBigInteger) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    B: JsbnBigInteger,
    salt: JsbnBigInteger,
    cb: (err: unknown, key: Uint8Array) => void,
  ): void;
}

const require = createRequire(import.meta.url);
const AuthenticationHelper: new (poolName: string) => Helper =
  require('amazon-cognito-identity-js/lib/AuthenticationHelper.js').default;
const BigInteger: new (hex: string, radix: number) => JsbnBigInteger =
  require('amazon-cognito-identity-js/lib/BigInteger.js').default;
const DateHelper: new () => { getNowString(): string } =
  require('amazon-cognito-identity-js/lib/DateHelper.js').default;

export interface SrpClient {
  srpA: string;
  /**
   * PASSWORD_VERIFIER's answer (without USERNAME / SECRET_HASH) for its challenge parameters, signed for
   * `at` (default now) so a test can send a well-signed TIMESTAMP from a skewed clock.
   */
  answer(parameters: Record<string, string>, password: string, at?: Date): Record<string, string>;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Tue Nov 4 09:03:07 UTC 2025`, as DateHelper.getNowString() writes the current time. */
export function srpTimestamp(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}`;
  return `${DAYS[at.getUTCDay()]} ${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()} ${time} UTC ${at.getUTCFullYear()}`;
}

export function srpClient(poolId: string): SrpClient {
  const poolName = poolId.slice(poolId.indexOf('_') + 1);
  const helper = new AuthenticationHelper(poolName);
  let srpA = '';
  helper.getLargeAValue((err, A) => {
    if (err) throw err;
    srpA = A.toString(16);
  });
  return {
    srpA,
    answer(parameters, password, at) {
      const userId = parameters.USER_ID_FOR_SRP ?? '';
      let key: Uint8Array | undefined;
      helper.getPasswordAuthenticationKey(
        userId,
        password,
        new BigInteger(parameters.SRP_B ?? '', 16),
        new BigInteger(parameters.SALT ?? '', 16),
        (err, derived) => {
          if (err) throw err;
          key = derived;
        },
      );
      if (!key) throw new Error('the helper did not answer synchronously');
      const timestamp = at === undefined ? new DateHelper().getNowString() : srpTimestamp(at);
      const signature = createHmac('sha256', key)
        .update(
          Buffer.concat([
            Buffer.from(poolName),
            Buffer.from(userId),
            Buffer.from(parameters.SECRET_BLOCK ?? '', 'base64'),
            Buffer.from(timestamp),
          ]),
        )
        .digest('base64');
      return {
        PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK ?? '',
        PASSWORD_CLAIM_SIGNATURE: signature,
        TIMESTAMP: timestamp,
      };
    },
  };
}
