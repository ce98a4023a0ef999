// `npm run test:repeat -- <file> <n>`: runs one test file n times in a row, stops at the first
// failure and prints how many runs passed. A test that fails one run in ten is a bug.
import { spawnSync } from 'node:child_process';

const [file, times = '20'] = process.argv.slice(2);
const n = Number(times);
if (!file || !Number.isInteger(n) || n < 1) {
  console.error('usage: npm run test:repeat -- <test file> <runs>');
  process.exit(2);
}
for (let i = 1; i <= n; i++) {
  const run = spawnSync('npx', ['vitest', 'run', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    process.stdout.write(run.stdout + run.stderr);
    console.log(`${file}: failed on run ${i} after ${i - 1} passing runs`);
    process.exit(1);
  }
  console.log(`${file}: run ${i}/${n} passed`);
}
console.log(`${file}: ${n} of ${n} runs passed`);
