import { CognitoError, cognitoApiAt } from './cognito-api.js';
import type { CommandContext } from './command.js';
import { deleteDevice, findDevice } from './device-store.js';
import { sessionDestination } from './session-destination.js';
import { freshSession } from './session-flow.js';
import type { FoundSession } from './session-store.js';

// `cogauth logout --forget-device`: ForgetDevice at Cognito (with the session's access token, at the
// destination the trusted configuration allows, as for revocation), then the device file is deleted.
// Without a usable session the file is deleted all the same and the answer says Cognito was not told.
// A device file that fails the mode or owner check is deleted unread.

export interface ForgetOutcome {
  /** One line for stderr. */
  note: string;
  /** Cognito was asked and refused, or could not be asked although a session exists. */
  failed: boolean;
}

const NOT_TOLD = 'the device may still be remembered at Cognito (forget it there, e.g. in the console)';

async function accessTokenOf(ctx: CommandContext, found: FoundSession): Promise<string> {
  if (found.state !== 'ok') throw new Error('no usable session');
  if (found.session.expiresAt - Date.now() > 30_000) return found.session.accessToken;
  return (await freshSession(ctx, 30)).accessToken;
}

export async function forgetDevice(ctx: CommandContext, found: FoundSession): Promise<ForgetOutcome> {
  const { env } = ctx.io;
  const profile = ctx.profile();
  const device = findDevice(env, profile);
  if (device.state === 'none')
    return { note: `cogauth: no remembered device for profile ${profile}`, failed: false };
  deleteDevice(env, profile);
  if (device.state === 'refused') {
    return {
      note: `cogauth: deleted the device file ${device.path} unread (${device.why}); ${NOT_TOLD}`,
      failed: true,
    };
  }
  if (found.state !== 'ok' || found.session.kind !== 'cognito') {
    return {
      note: `cogauth: deleted the remembered device ${device.path}; without a session, ${NOT_TOLD}`,
      failed: true,
    };
  }
  let why: string | undefined;
  try {
    const destination = sessionDestination(found.session, ctx.config().settings);
    if (!destination.ok) throw new Error(`${destination.reason}; nothing was sent`);
    const AccessToken = await accessTokenOf(ctx, found);
    await cognitoApiAt(destination.url).call('ForgetDevice', {
      AccessToken,
      DeviceKey: device.device.deviceKey,
    });
  } catch (error) {
    why = error instanceof CognitoError ? `${error.code}: ${error.message}` : (error as Error).message;
  }
  if (why !== undefined) {
    return {
      note: `cogauth: deleted the remembered device ${device.path}, but Cognito was not told: ${why}`,
      failed: true,
    };
  }
  return { note: `cogauth: device forgotten at Cognito and ${device.path} deleted`, failed: false };
}
