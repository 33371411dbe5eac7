// Errors the stand-in answers with, as Amazon Cognito user pools does over AWS JSON 1.1: HTTP 400 (500 for
// InternalErrorException), body `{"__type": "<Type>", "message": "..."}` and the same type in the
// `x-amzn-ErrorType` header. Types are the ones the API reference lists per operation ("Errors" sections of
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html etc.).

export type CognitoErrorType =
  | 'CodeMismatchException'
  | 'DeviceKeyExistsException'
  | 'EnableSoftwareTokenMFAException'
  | 'ExpiredCodeException'
  | 'InternalErrorException'
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'NotAuthorizedException'
  | 'PasswordResetRequiredException'
  | 'RefreshTokenReuseException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'SoftwareTokenMFANotFoundException'
  | 'TooManyRequestsException'
  | 'UnauthorizedException'
  | 'UnknownOperationException'
  | 'UnsupportedOperationException'
  | 'UnsupportedTokenTypeException'
  | 'UserNotConfirmedException'
  | 'UserNotFoundException';

export class CognitoServiceError extends Error {
  override name = 'CognitoServiceError';
  readonly type: CognitoErrorType;
  readonly status: number;
  constructor(type: CognitoErrorType, message: string) {
    super(message);
    this.type = type;
    this.status = type === 'InternalErrorException' ? 500 : 400;
  }
}

export const fail = (type: CognitoErrorType, message: string): CognitoServiceError =>
  new CognitoServiceError(type, message);

// The messages Cognito uses for the common refusals (seen in its answers; the reference does not list them).
export const INCORRECT_CREDENTIALS = 'Incorrect username or password.';
export const INVALID_SESSION = 'Invalid session for the user.';
export const EXPIRED_SESSION = 'Invalid session for the user, session is expired.';
export const INVALID_CODE = 'Invalid code received for user';

export const notAuthorized = (message = INCORRECT_CREDENTIALS): CognitoServiceError =>
  fail('NotAuthorizedException', message);

/** A challenge response or auth parameter the operation needs is absent. */
export const missingParameter = (name: string): CognitoServiceError =>
  fail('InvalidParameterException', `Missing required parameter ${name}`);
