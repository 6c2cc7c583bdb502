/** Wrong username or password; the login page shows itself again without saying which. */
export class LoginFailedError extends Error {
  constructor() {
    super('Incorrect username or password.');
  }
}
