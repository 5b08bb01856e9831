import { UnsecuredJWT, decodeJwt, jwtVerify } from 'jose';

export async function claims(token: string, key: Uint8Array): Promise<unknown> {
  // ruleid: jwt-none-algorithm
  const unsafe = UnsecuredJWT.decode(token);
  // ok: jwt-none-algorithm
  const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
  // ruleid: jwt-verification-disabled
  if (decodeJwt(token).scope === 'admin') {
    return unsafe;
  }
  return payload;
}
