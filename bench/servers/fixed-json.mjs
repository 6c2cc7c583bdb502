// The document both reference servers answer, so that their rows compare like with like.
export const FIXED_JSON = { issuer: 'http://127.0.0.1', ok: true };
