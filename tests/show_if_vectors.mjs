// Runs the shared show_if vectors through the survey script's own evaluate (the file pages load).
// Usage: node tests/show_if_vectors.mjs <survey script> <vectors JSON>; prints [{name, shows}] as JSON.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const [scriptPath, vectorsPath] = process.argv.slice(2);
const sandbox = {};
vm.runInNewContext(readFileSync(scriptPath, 'utf8'), sandbox);
const cases = JSON.parse(readFileSync(vectorsPath, 'utf8')).cases;
const results = cases.map((c) => ({ name: c.name, shows: sandbox.palauteShowIf(c.condition, c.answers) }));
process.stdout.write(JSON.stringify(results));
