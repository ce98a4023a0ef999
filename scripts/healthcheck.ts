// `npm run healthcheck`: exit 0 when the process on PORT (gateway or subgraph, this container's)
// answers GET /health, else 1. The Dockerfile's HEALTHCHECK runs it (the slim image has no curl).
const port = process.env.PORT || '4000';
try {
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
  process.exitCode = res.ok ? 0 : 1;
} catch {
  process.exitCode = 1;
}
