/** Password policy: at least 10 characters, not the username, not a common password. */
export const MIN_PASSWORD_LENGTH = 10;

// The most common passwords of at least 10 characters in public breach lists, plus local patterns.
const COMMON = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  '1111111111',
  '0000000000',
  '1234512345',
  'qwertyuiop',
  'password123',
  'password12',
  'password1!',
  'passw0rd12',
  'iloveyou12',
  'abc1234567',
  'abcdefghij',
  'a123456789',
  '123456789a',
  '1q2w3e4r5t',
  'qwerty1234',
  'qwerty123456',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'woaini1314',
  'woaini520',
  '5201314520',
  '1314520520',
  'admin12345',
  'admin123456',
  'administrator',
  'changeme123',
  'welcome123',
  'letmein123',
  'football123',
  'baseball123',
  'aa12345678',
  'abc123456789',
  'asdfghjkl1',
  'asdfghjkl;',
  'zxcvbnm123',
  'fangxian123',
  'anquan12345',
  'yingji12345',
  '9876543210',
  '147258369a',
  '1472583690',
  'qazwsxedcrfv',
]);

export type PasswordProblem = 'too_short' | 'same_as_username' | 'common';

export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'too_short';
  const p = password.toLowerCase();
  if (p === username.toLowerCase() || (p.includes(username.toLowerCase()) && username.length >= 4)) {
    return 'same_as_username';
  }
  if (COMMON.has(p)) return 'common';
  if (/^(.)\1+$/.test(p)) return 'common';
  return null;
}
