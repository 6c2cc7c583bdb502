/** No signed-in user where one is needed; pages answer it by sending the browser to the login page. */
export class LoginRequiredError extends Error {
  /** @param returnTo where to come back after signing in; the current URL when not given. */
  constructor(readonly returnTo?: string) {
    super('login required');
  }
}

/** The login page, sending the browser back to `returnTo` (a path on this provider) once signed in. */
export function loginPage(returnTo: string): string {
  return `/login?return_to=${encodeURIComponent(returnTo)}`;
}
