// Prints the gzipped size of dist/widget.js and fails the build above the budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 30 * 1024;
const file = new URL('../dist/widget.js', import.meta.url);
const raw = readFileSync(file);
const gz = gzipSync(raw, { level: 9 }).length;
console.log(
  `widget.js: ${(raw.length / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(2)} KB gzipped (budget ${BUDGET / 1024} KB)`,
);
if (gz > BUDGET) {
  console.error('widget.js is over its size budget');
  process.exit(1);
}
