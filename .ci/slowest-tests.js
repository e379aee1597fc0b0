// Prints the N slowest test files of a `jest --json` results file (wall time each, start to end), so that a slow
// test is seen the day it lands. Usage: node .ci/slowest-tests.js <results.json> [N]
const { readFileSync } = require('node:fs');
const path = require('node:path');

const [file, count = '10'] = process.argv.slice(2);
const results = JSON.parse(readFileSync(file, 'utf8'));
const rows = results.testResults
  .map((t) => ({ seconds: (t.endTime - t.startTime) / 1000, name: path.relative(process.cwd(), t.name) }))
  .sort((a, b) => b.seconds - a.seconds)
  .slice(0, Number(count));
console.log(`${rows.length} slowest test files:`);
for (const r of rows) console.log(`${r.seconds.toFixed(1).padStart(7)} s  ${r.name}`);
