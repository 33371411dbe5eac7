// Loads an authorizer bundle the way Lambda does (environment from the parent, cwd = the task root),
// runs it on the events in argv[3] (a JSON file) and writes its answers to argv[4].
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [, , modulePath, eventsFile, resultsFile] = process.argv;
const { handler } = await import(pathToFileURL(modulePath).href);
const results = [];
for (const event of JSON.parse(readFileSync(eventsFile, 'utf8'))) {
  try {
    results.push({ result: await handler(event) });
  } catch (error) {
    results.push({ error: error instanceof Error ? error.message : String(error) });
  }
}
writeFileSync(resultsFile, JSON.stringify(results));
