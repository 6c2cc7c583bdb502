// Every test app runs on a throwaway in-memory SQLite database unless DATABASE_URL names another.
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL ||= 'sqlite::memory:';
process.env.SESSION_SECRET ||= 'test-session-secret-0123456789abcdef';
