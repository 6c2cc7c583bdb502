/** No signed-in user where one is needed; pages answer it by sending the browser to the login page. */
export class LoginRequiredError extends Error {
  constructor() {
    super('login required');
  }
}
