// Loads a Lambda asset the way Lambda does (environment from the parent, cwd = the asset) and prints the
// handler's answer to each event of argv[3] (a JSON file) as one JSON array on stdout.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [, , modulePath, eventsFile] = process.argv;
const { handler } = await import(pathToFileURL(modulePath).href);
const results = [];
for (const event of JSON.parse(readFileSync(eventsFile, 'utf8'))) {
  try {
    results.push({ result: await handler(event) });
  } catch (error) {
    results.push({ error: error instanceof Error ? error.message : String(error) });
  }
}
process.stdout.write(`\n${JSON.stringify(results)}`);
