/** The claims of an access token, as RFC 9068 §2.2 lays them out. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  /** The grant the token descends from (absent for client_credentials); revoking the grant kills the token. */
  gid?: string;
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
  expiresIn: number;
}
