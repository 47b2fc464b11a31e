// Validates Kubernetes objects against the API's JSON schemas (required fields, types, allowed values), KEDA's
// included. Reads a JSON array of objects on standard input; prints each failure and exits 1 if there is any.
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(0, "utf8"));
const failures = [];
for (const object of objects) {
  const name = `${object.kind}/${object.metadata?.name}`;
  const module = object.apiVersion.endsWith("keda.sh/v1alpha1")
    ? `@kubernetes-models/keda/${object.apiVersion}`
    : `kubernetes-models/${object.apiVersion}`;
  let models;
  try {
    models = await import(module);
  } catch {
    failures.push(`${name}: no schema for apiVersion ${object.apiVersion}`);
    continue;
  }
  const Model = models[object.kind];
  if (!Model) {
    failures.push(`${name}: ${object.apiVersion} has no kind ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    failures.push(`${name}: ${error.message}`);
  }
}
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`${objects.length} objects valid`);
