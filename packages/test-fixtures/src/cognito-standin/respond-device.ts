import { type AuthAnswer, ask, type Ctx, carry } from './context.js';
import { missingParameter, notAuthorized } from './errors.js';
import { proceed } from './flow.js';
import type { Device } from './model.js';
import type { AuthSession } from './sessions.js';
import { beginSrp, checkSrpProof, parseSrpA, srpChallengeParameters } from './srp-server.js';

// Device authentication ("Signing in with a device" in the developer guide's device page): DEVICE_SRP_AUTH
// is answered with USERNAME, DEVICE_KEY and SRP_A; DEVICE_PASSWORD_VERIFIER carries SALT, SRP_B and
// SECRET_BLOCK and is answered like PASSWORD_VERIFIER, with the device group key in place of the pool name
// and the device key in place of the username (amazon-cognito-identity-js getDeviceResponse). A remembered
// device in a pool whose ChallengeRequiredOnNewDevice is true has then done what MFA would have.
// Not documented: the exact parameters of DEVICE_SRP_AUTH (the stand-in sends none) and whether
// DEVICE_PASSWORD_VERIFIER repeats DEVICE_KEY (it sends USERNAME only, as clients need nothing else).

function sessionDevice(ctx: Ctx, session: AuthSession, given: string | undefined): Device {
  if (given === undefined) throw missingParameter('DEVICE_KEY');
  const device = session.deviceKey === undefined ? undefined : ctx.store.devices.get(session.deviceKey);
  if (!device?.secret || given !== device.key) throw notAuthorized('Device does not match the session.');
  return device;
}

export function answerDeviceSrpAuth(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  const device = sessionDevice(ctx, session, responses.DEVICE_KEY);
  const A = parseSrpA(responses.SRP_A);
  const state = carry(ctx, session);
  const secret = device.secret as NonNullable<Device['secret']>;
  const srp = beginSrp({
    group: device.groupKey,
    id: device.key,
    verifier: secret.verifier,
    salt: secret.salt,
    A,
  });
  return ask(
    ctx,
    state,
    { challenge: 'DEVICE_PASSWORD_VERIFIER', srp },
    {
      ...srpChallengeParameters(srp),
      USERNAME: session.username ?? '',
    },
  );
}

export function answerDeviceVerifier(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  if (session.pending.challenge !== 'DEVICE_PASSWORD_VERIFIER') throw notAuthorized();
  const device = sessionDevice(ctx, session, responses.DEVICE_KEY);
  const { srp } = session.pending;
  const state = carry(ctx, session);
  checkSrpProof(srp, responses, ctx.store.wallClock());
  const pool = ctx.store.pool(state.poolId);
  state.deviceDone = true;
  if (device.remembered && pool.device?.ChallengeRequiredOnNewDevice === true) state.mfaDone = true;
  return proceed(ctx, state);
}
