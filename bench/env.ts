// Imported first by the bench entry points, before any module that builds the logger.
// Per-request info lines (the access log) would flood the bench's output and measure the
// terminal; LOG_LEVEL=info npm run bench keeps them (the profile notes what they cost).
process.env.LOG_LEVEL ??= 'warn';

export const benchLogLevel = process.env.LOG_LEVEL;
